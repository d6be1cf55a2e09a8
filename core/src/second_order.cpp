#include "second_order.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

namespace nas {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

void save_geometry(AutogradContext* ctx, const ConvGeometry& g) {
  ctx->saved_data["stride"] = std::vector<int64_t>(g.stride.begin(), g.stride.end());
  ctx->saved_data["padding"] = std::vector<int64_t>(g.padding.begin(), g.padding.end());
  ctx->saved_data["dilation"] = std::vector<int64_t>(g.dilation.begin(), g.dilation.end());
  ctx->saved_data["groups"] = g.groups;
}

ConvGeometry load_geometry(AutogradContext* ctx) {
  ConvGeometry g;
  const auto copy = [&](const char* key, std::array<int64_t, 2>& to) {
    const auto v = ctx->saved_data[key].toIntVector();
    to = {v.at(0), v.at(1)};
  };
  copy("stride", g.stride);
  copy("padding", g.padding);
  copy("dilation", g.dilation);
  g.groups = ctx->saved_data["groups"].toInt();
  return g;
}

at::Tensor forward_conv(const at::Tensor& x, const at::Tensor& w, const ConvGeometry& g) {
  return at::convolution(x, w, /*bias=*/{}, g.stride, g.padding, g.dilation, /*transposed=*/false,
                         /*output_padding=*/{0, 0}, g.groups);
}

/// d<gO, conv(x, w) + b>/d(x, w, b), for the outputs `mask` asks for.
std::tuple<at::Tensor, at::Tensor, at::Tensor> conv_grads(const at::Tensor& grad_out, const at::Tensor& x,
                                                          const at::Tensor& w, const ConvGeometry& g,
                                                          std::array<bool, 3> mask) {
  const std::vector<int64_t> bias_sizes{w.size(0)};
  return at::convolution_backward(grad_out, x, w, bias_sizes, g.stride, g.padding, g.dilation,
                                  /*transposed=*/false, /*output_padding=*/{0, 0}, g.groups, mask);
}

/// (gO, x, w) -> (gI, gW, gB) = d<gO, conv(x, w) + b>/d(x, w, b), each linear
/// in gO and gI, gW bilinear; its backward is three convolution calls:
///   <ggI, gI> = <gO, conv(ggI, w)>  =>  d/dgO += conv(ggI, w), d/dw = weight grad of conv(ggI, .) at gO
///   <ggW, gW> = <gO, conv(x, ggW)>  =>  d/dgO += conv(x, ggW), d/dx = input grad of conv(., ggW) at gO
///   <ggB, gB> = <gO, ggB broadcast> =>  d/dgO += ggB
/// gI and gB are only computed when asked for (else empty placeholders).
struct ConvGrads : torch::autograd::Function<ConvGrads> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& grad_out, const at::Tensor& x,
                               const at::Tensor& w, const ConvGeometry& g, bool input_grad, bool bias_grad) {
    ctx->save_for_backward({grad_out, x, w});
    save_geometry(ctx, g);
    ctx->saved_data["input_grad"] = input_grad;
    ctx->saved_data["bias_grad"] = bias_grad;
    auto [gi, gw, gb] = conv_grads(grad_out, x, w, g, {input_grad, true, bias_grad});
    // Autograd needs defined outputs: empty placeholders nobody reads.
    const auto placeholder = [&] {
      at::Tensor p = at::empty({0}, w.options());
      ctx->mark_non_differentiable({p});
      return p;
    };
    return {input_grad ? gi : placeholder(), gw, bias_grad ? gb : placeholder()};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &grad_out = saved[0], &x = saved[1], &w = saved[2];
    const ConvGeometry g = load_geometry(ctx);
    const at::Tensor ggi = ctx->saved_data["input_grad"].toBool() ? grads[0] : at::Tensor();
    const at::Tensor& ggw = grads[1];
    const at::Tensor ggb = ctx->saved_data["bias_grad"].toBool() ? grads[2] : at::Tensor();
    at::Tensor d_grad_out, d_x, d_w;
    const auto accumulate = [&](const at::Tensor& term) {
      d_grad_out = d_grad_out.defined() ? d_grad_out + term : term;
    };
    if (ggi.defined()) {
      accumulate(forward_conv(ggi, w, g));
      d_w = std::get<1>(conv_grads(grad_out, ggi, w, g, {false, true, false}));
    }
    if (ggw.defined()) {
      accumulate(forward_conv(x, ggw, g));
      if (x.requires_grad()) d_x = std::get<0>(conv_grads(grad_out, x, ggw, g, {true, false, false}));
    }
    if (ggb.defined()) accumulate(ggb.view({1, -1, 1, 1}).expand_as(grad_out));
    return {d_grad_out, d_x, d_w, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

/// conv(x, w) + bias whose backward is ConvGrads (so differentiable again
/// through the fast kernels).
struct Conv : torch::autograd::Function<Conv> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w,
                            const c10::optional<at::Tensor>& bias, const ConvGeometry& g) {
    ctx->save_for_backward({x, w});
    save_geometry(ctx, g);
    ctx->saved_data["input_grad"] = x.requires_grad();
    ctx->saved_data["bias"] = bias.has_value() && bias->defined();
    return at::convolution(x, w, bias.value_or(at::Tensor()), g.stride, g.padding, g.dilation,
                           /*transposed=*/false, /*output_padding=*/{0, 0}, g.groups);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const bool input_grad = ctx->saved_data["input_grad"].toBool(), bias = ctx->saved_data["bias"].toBool();
    const variable_list g = ConvGrads::apply(grads[0], saved[0], saved[1], load_geometry(ctx), input_grad, bias);
    const at::Tensor none;
    return {input_grad ? g[0] : none, g[1], bias ? g[2] : none, none};
  }
};

c10::optional<at::Tensor> optional(const at::Tensor& t) {
  return t.defined() ? c10::optional<at::Tensor>(t) : c10::nullopt;
}

/// Per-channel [C] -> [1, C, 1, 1], to broadcast against [N, C, H, W].
at::Tensor per_channel(const at::Tensor& t) { return t.view({1, -1, 1, 1}); }

/// Sum over everything but the channel dimension, as [1, C, 1, 1].
at::Tensor channel_sum(const at::Tensor& t) { return t.sum({0, 2, 3}, /*keepdim=*/true); }

/// (gy, x, gamma) -> (gx, dgamma, dbeta): train-mode BatchNorm's first
/// backward, by the kernel the module's own backward calls. Its backward is
/// the closed form of the second derivatives. Per channel, over its M
/// values, with s = invstd, xh = (x - mean) s, bars for means:
///   gx = gamma s (gy - gybar - xh m),  m = mean(gy xh)
/// and for upstream gradients (u, a, b) of (gx, dgamma, dbeta), with
///   P = sum(u xh), C = sum(u gy) - gybar sum(u) - m P:
///   d/dgy    = gamma s u + (a - gamma s P/M) xh + (b - gamma s ubar)
///   d/dgamma = s C
///   d/dx     = s (v - vbar - xh mean(v xh)) - gamma C s^2 xh / M,
///              v = (a - gamma s P/M) gy - gamma s m u
/// (v is dz/dxh at fixed s; the last term is s's own dependence on x).
struct BatchNormGrads : torch::autograd::Function<BatchNormGrads> {
  static variable_list forward(AutogradContext* ctx, const at::Tensor& grad_out, const at::Tensor& x,
                               const c10::optional<at::Tensor>& weight, const at::Tensor& save_mean,
                               const at::Tensor& save_invstd, double eps) {
    const bool affine = weight.has_value() && weight->defined();
    ctx->save_for_backward({grad_out, x, affine ? *weight : at::Tensor(), save_mean, save_invstd});
    ctx->saved_data["affine"] = affine;
    auto [gx, gw, gb] = at::native_batch_norm_backward(grad_out, x, weight, {}, {}, save_mean, save_invstd,
                                                       /*train=*/true, eps, {true, affine, affine});
    if (affine) return {gx, gw, gb};
    at::Tensor placeholder = at::empty({0}, x.options());  // autograd needs defined outputs
    ctx->mark_non_differentiable({placeholder});
    return {gx, placeholder, placeholder};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &gy = saved[0], &x = saved[1], &weight = saved[2];
    const bool affine = ctx->saved_data["affine"].toBool();
    const at::Tensor s = per_channel(saved[4]);
    const at::Tensor xh = (x - per_channel(saved[3])).mul_(s);
    const double m_count = static_cast<double>(x.numel() / x.size(1));
    const at::Tensor gamma = affine ? per_channel(weight) : at::ones_like(s);
    const at::Tensor u = grads[0].defined() ? grads[0] : at::zeros_like(x);
    const at::Tensor a = affine && grads[1].defined() ? per_channel(grads[1]) : at::zeros_like(s);
    const at::Tensor b = affine && grads[2].defined() ? per_channel(grads[2]) : at::zeros_like(s);

    const at::Tensor gy_bar = channel_sum(gy) / m_count;
    const at::Tensor m = channel_sum(gy * xh) / m_count;
    const at::Tensor u_sum = channel_sum(u);
    const at::Tensor p = channel_sum(u * xh);
    const at::Tensor c = channel_sum(u * gy) - gy_bar * u_sum - m * p;
    const at::Tensor gs = gamma * s;

    const at::Tensor alpha = a - gs * p / m_count;  // v = alpha gy + beta u
    const at::Tensor beta = -gs * m;
    const at::Tensor v_bar = alpha * gy_bar + beta * u_sum / m_count;
    const at::Tensor vxh_bar = alpha * m + beta * p / m_count;
    // Full-size tensors are formed with addcmul: one pass per term (the
    // elementwise passes, not the arithmetic, are this function's cost).
    const at::Tensor d_x =
        at::addcmul(-s * v_bar, -s * vxh_bar - gs * c * s / m_count, xh).addcmul_(s * alpha, gy).addcmul_(s * beta, u);
    const at::Tensor d_gy = at::addcmul(b - gs * u_sum / m_count, alpha, xh).addcmul_(gs, u);
    const at::Tensor d_weight = affine ? (s * c).flatten() : at::Tensor();
    return {d_gy, d_x, d_weight, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

/// Train-mode BatchNorm whose backward is BatchNormGrads.
struct BatchNorm : torch::autograd::Function<BatchNorm> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const c10::optional<at::Tensor>& weight,
                            const c10::optional<at::Tensor>& bias, const c10::optional<at::Tensor>& running_mean,
                            const c10::optional<at::Tensor>& running_var, double momentum, double eps) {
    auto [y, save_mean, save_invstd] =
        at::native_batch_norm(x, weight, bias, running_mean, running_var, /*training=*/true, momentum, eps);
    const bool affine = weight.has_value() && weight->defined();
    ctx->save_for_backward({x, affine ? *weight : at::Tensor(), save_mean, save_invstd});
    ctx->saved_data["affine"] = affine;
    ctx->saved_data["eps"] = eps;
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const bool affine = ctx->saved_data["affine"].toBool();
    const variable_list g = BatchNormGrads::apply(grads[0], saved[0], affine ? optional(saved[1]) : c10::nullopt,
                                                  saved[2], saved[3], ctx->saved_data["eps"].toDouble());
    const at::Tensor none;
    return {g[0], affine ? g[1] : none, affine ? g[2] : none, none, none, none, none};
  }
};

}  // namespace

at::Tensor batch_norm_fast_second_order(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                        const at::Tensor& running_mean, const at::Tensor& running_var,
                                        double momentum, double eps) {
  return BatchNorm::apply(x, optional(weight), optional(bias), optional(running_mean), optional(running_var),
                          momentum, eps);
}

at::Tensor conv2d_fast_second_order(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                                    const ConvGeometry& geometry) {
  return Conv::apply(x, weight, optional(bias), geometry);
}

}  // namespace nas
