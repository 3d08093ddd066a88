"""Model export tool: ViCLIP (video + text towers) and the CLIP ViT-L/14 image tower to ONNX.

Run from the repository root with Debian's interpreter (it has torch and onnx):
    /usr/bin/python3 -m tools.export --help
"""
