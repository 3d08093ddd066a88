#!/usr/bin/python3
"""Reference image preprocessing for CLIP (aesthetic path) and ViCLIP, in the libraries the
original code uses, for parity tests of src-main/ml/preprocess/*.

  CLIP:   OpenAI clip `_transform(224)`: torchvision Resize(224, BICUBIC) + CenterCrop(224) on a
          PIL image, ToTensor, Normalize(CLIP mean, std)            (needs python3-torchvision, python3-pil)
  ViCLIP: InternVid viclip/__init__.py `frames2tensor` minus frame selection: cv2.resize to
          224x224 (INTER_LINEAR) on RGB frames, (x/255 - ImageNet mean)/std in float64, .float()
                                                                    (needs python3-opencv)

Input: raw RGB24 frames (ffmpeg -f rawvideo -pix_fmt rgb24), COUNT frames of WIDTHxHEIGHT.
Output in OUT_DIR (little-endian, C order):
  clip_u8.bin  uint8  [COUNT,224,224,3]   resized + cropped pixels
  clip.f32     float32 [COUNT,3,224,224]  normalised
  viclip_u8.bin uint8 [COUNT,224,224,3]
  viclip.f32   float32 [1,COUNT,3,224,224]
Usage: /usr/bin/python3 tools/reference/preprocess_reference.py FRAMES.rgb WIDTH HEIGHT COUNT OUT_DIR [...]
       (several groups of five arguments share one interpreter start: importing torch + cv2
       costs seconds)
"""
import os
import sys

import cv2
import numpy as np
import torch
from PIL import Image
from torchvision import transforms

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
V_MEAN = np.array([0.485, 0.456, 0.406]).reshape(1, 1, 3)
V_STD = np.array([0.229, 0.224, 0.225]).reshape(1, 1, 3)


def process(path, width, height, count, out):
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size != width * height * 3 * count:
        raise SystemExit("%s: %d bytes, expected %d frames of %dx%d RGB24" % (path, raw.size, count, width, height))
    frames = raw.reshape(count, height, width, 3)

    resize_crop = transforms.Compose([
        transforms.Resize(224, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(224),
    ])
    to_tensor = transforms.Compose([transforms.ToTensor(), transforms.Normalize(CLIP_MEAN, CLIP_STD)])
    pil = [resize_crop(Image.fromarray(f, "RGB")) for f in frames]
    np.stack([np.asarray(p) for p in pil]).tofile(os.path.join(out, "clip_u8.bin"))
    torch.stack([to_tensor(p) for p in pil]).numpy().astype("<f4").tofile(os.path.join(out, "clip.f32"))

    # frames2tensor receives BGR frames from cv2.VideoCapture and flips them to RGB before the
    # resize; ours are already RGB, and the resize treats channels independently.
    resized = [cv2.resize(np.ascontiguousarray(f), (224, 224)) for f in frames]
    np.stack(resized).tofile(os.path.join(out, "viclip_u8.bin"))
    tube = np.concatenate([np.expand_dims((x / 255.0 - V_MEAN) / V_STD, axis=(0, 1)) for x in resized], axis=1)
    tube = np.transpose(tube, (0, 1, 4, 2, 3))
    torch.from_numpy(tube).float().numpy().astype("<f4").tofile(os.path.join(out, "viclip.f32"))


def main():
    args = sys.argv[1:]
    if not args or len(args) % 5:
        raise SystemExit(__doc__)
    for i in range(0, len(args), 5):
        path, width, height, count, out = args[i:i + 5]
        process(path, int(width), int(height), int(count), out)


if __name__ == "__main__":
    main()
