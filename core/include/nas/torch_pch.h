// The LibTorch headers precompiled once for the whole tree (NASRUN_USE_PCH).
// Not part of the SDK contract: plugins include what they use.
#pragma once
#include <ATen/ATen.h>
#include <torch/autograd.h>
#include <torch/nn/functional.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <nlohmann/json.hpp>
