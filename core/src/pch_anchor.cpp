// Anchor TU for the precompiled LibTorch header.
