// The per-(network, batch) probe context. The reference code (zero-cost-nas,
// NASLib) runs every proxy on its own deep copy with its own passes; here the
// probes declared together share one train-mode forward:
//
//   loss backward      dL/dW and dL/d(conv/linear outputs)   (create_graph when H·g is planned)
//   logits backward    d(sum of logits)/d(inputs)
//   z backward         H·g, z = sum_l <g_l, dL/dW_l>         (grasp's second pass)
//
// The forward values are those of separate passes (same train-mode network,
// same batch); the fixtures README measured that deriving g and H·g from one
// create-graph pass moves plain and grasp only well inside their tolerance.
#include "nas/probes.h"

#include <ATen/ATen.h>
#include <torch/autograd.h>

#include <map>
#include <optional>

#include "nas/errors.h"
#include "nas/init.h"
#include "nas/network.h"

namespace nas {

namespace {

/// Probes recorded by the shared forward.
constexpr ProbeSet kForwardProbes = kWeightGrads | kHessianGrad | kLayerActivations | kInputJacobian | kReluCodes;

/// Installs `hooks` on `net` for one scope.
class HooksScope {
 public:
  HooksScope(Network& net, ForwardHooks hooks) : net_(net), saved_(std::move(net.hooks)) {
    net_.hooks = std::move(hooks);
  }
  ~HooksScope() { net_.hooks = std::move(saved_); }

 private:
  Network& net_;
  ForwardHooks saved_;
};

/// A train-mode forward updates the BatchNorm running statistics; the
/// reference does that on a throw-away copy, so the shared forward puts the
/// buffers back.
class BuffersScope {
 public:
  explicit BuffersScope(Network& net) {
    at::NoGradGuard no_grad;
    for (auto& b : net.buffers()) saved_.emplace_back(b, b.clone());
  }
  ~BuffersScope() {
    at::NoGradGuard no_grad;
    for (auto& [buffer, value] : saved_) buffer.copy_(value);
  }

 private:
  std::vector<std::pair<at::Tensor, at::Tensor>> saved_;
};

/// Restores train/eval mode on leaving the scope.
class TrainingScope {
 public:
  TrainingScope(Network& net, bool training) : net_(net), was_training_(net.is_training()) { net_.train(training); }
  ~TrainingScope() { net_.train(was_training_); }

 private:
  Network& net_;
  bool was_training_;
};

c10::Device device_of(Network& net) {
  for (const auto& p : net.parameters()) return p.device();
  for (const auto& b : net.buffers()) return b.device();
  return c10::Device(c10::kCPU);
}

/// Copies every parameter and buffer of `from` into `to`, by name.
void copy_state(Network& from, Network& to) {
  at::NoGradGuard no_grad;
  auto copy_dict = [](const auto& source, auto target, const char* what) {
    for (auto& item : target) {
      const at::Tensor* value = source.find(item.key());
      if (!value) throw Error(std::string("copy: rebuilt network has ") + what + " '" + item.key() + "' that the original lacks");
      item.value().copy_(*value);
    }
  };
  copy_dict(from.named_parameters(), to.named_parameters(), "parameter");
  copy_dict(from.named_buffers(), to.named_buffers(), "buffer");
}

std::vector<at::Tensor> weights_of(const std::vector<Layer>& layers) {
  std::vector<at::Tensor> w;
  for (const auto& l : layers) w.push_back(l.weight);
  return w;
}

/// autograd::grad with allow_unused: an unused tensor's gradient is zero, as
/// the reference's `if grad is not None ... else zeros_like` reads it.
std::vector<at::Tensor> gradients(const at::Tensor& root, const std::vector<at::Tensor>& wrt, bool retain_graph,
                                  bool create_graph = false) {
  auto g = torch::autograd::grad({root}, wrt, {}, retain_graph, create_graph, /*allow_unused=*/true);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (!g[i].defined()) g[i] = at::zeros_like(wrt[i]);
  return g;
}

std::vector<at::Tensor> detached(std::vector<at::Tensor> v) {
  for (auto& t : v) t = t.detach();
  return v;
}

}  // namespace

std::vector<Layer> network_layers(Network& net) {
  std::vector<Layer> layers;
  for (auto& item : net.named_modules(/*name_prefix=*/"", /*include_self=*/false)) {
    torch::nn::Module* m = item.value().get();
    const bool is_conv = dynamic_cast<torch::nn::Conv2dImpl*>(m) != nullptr;
    if (!is_conv && !dynamic_cast<torch::nn::LinearImpl*>(m)) continue;
    const std::string prefix = item.key() + ".";
    layers.push_back({prefix + "weight", m, m->named_parameters(/*recurse=*/false)["weight"], is_conv});
  }
  return layers;
}

struct Probes::State {
  std::shared_ptr<Network> net;
  Batch batch;
  std::function<std::shared_ptr<Network>()> rebuild;
  InitSpec init;
  c10::Device device;

  ProbeSet planned = kNoProbe;
  ProbeSet recorded = kNoProbe;  // forward probes already computed
  std::optional<std::vector<Layer>> layers;
  std::vector<at::Tensor> weight_grads, hessian_grad;
  std::vector<Activation> activations;
  at::Tensor jacobian;
  std::vector<at::Tensor> relu_codes;
  at::Tensor relu_kernel;
  std::optional<std::vector<at::Tensor>> synflow[2];  // [batchnorm]
  std::optional<double> flops;
  // Probes of the 2022-2024 proxies, keyed by their argument.
  std::map<int, std::vector<std::vector<at::Tensor>>> split_grads;
  std::map<int64_t, at::Tensor> sample_grads;
  std::map<std::string, std::vector<at::Tensor>> module_outputs;
  const std::vector<at::Tensor>& record_module_outputs(const std::string& key, const at::Tensor& input);

  const std::vector<Layer>& net_layers() {
    if (!layers) layers = network_layers(*net);
    return *layers;
  }
  /// Runs one forward recording `wanted` and every planned probe not yet
  /// recorded.
  void record(ProbeSet wanted);
  /// [1, C, H, W]: the single-image shape of synflow and FLOPs.
  std::vector<int64_t> single_input_shape() const {
    auto shape = batch.inputs.sizes().vec();
    shape[0] = 1;
    return shape;
  }
};

void Probes::State::record(ProbeSet wanted) {
  wanted = (wanted | planned) & kForwardProbes & ~recorded;
  const bool hessian = wanted & kHessianGrad;
  const bool loss_grads = hessian || (wanted & (kWeightGrads | kLayerActivations));
  const bool jacobian_wanted = wanted & kInputJacobian;
  const bool activations_wanted = wanted & kLayerActivations;
  if (loss_grads && !batch.labelled())
    throw Error("the loss-gradient probes need labelled data, and this batch has no targets");

  BuffersScope keep_buffers(*net);
  at::AutoGradMode grad_mode(loss_grads || jacobian_wanted);
  at::Tensor inputs = batch.inputs;
  if (jacobian_wanted) inputs = inputs.detach().requires_grad_(true);

  ForwardHooks hooks;
  hooks.fast_second_order = hessian;
  std::vector<at::Tensor> outputs;
  std::vector<torch::nn::Module*> output_modules;
  if (activations_wanted)
    hooks.layer_output = [&](torch::nn::Module& m, const at::Tensor& y) {
      outputs.push_back(y);
      output_modules.push_back(&m);
      return y;
    };
  if (wanted & kReluCodes)
    hooks.relu_input = [this](const at::Tensor& x) { relu_codes.push_back((x.detach() > 0).flatten(1)); };
  at::Tensor logits;
  {
    HooksScope scope(*net, std::move(hooks));
    logits = net->forward(inputs);
  }

  if (loss_grads) {
    const std::vector<at::Tensor> weights = weights_of(net_layers());
    std::vector<at::Tensor> wrt = weights;
    wrt.insert(wrt.end(), outputs.begin(), outputs.end());
    const at::Tensor loss = at::cross_entropy_loss(logits, batch.targets);
    // grasp's pass 2 differentiates dL/dW again, so keep its graph.
    std::vector<at::Tensor> g = gradients(loss, wrt, /*retain_graph=*/jacobian_wanted || hessian, /*create_graph=*/hessian);
    // Weight grads read earlier stay as they were: every proxy sees one g.
    if (!(recorded & kWeightGrads)) weight_grads = detached({g.begin(), g.begin() + weights.size()});
    for (std::size_t i = 0; i < outputs.size(); ++i)
      activations.push_back({outputs[i].detach(), g[weights.size() + i].detach(), output_modules[i]});
    if (jacobian_wanted) jacobian = gradients(logits.sum(), {inputs}, /*retain_graph=*/hessian)[0].flatten(1);
    if (hessian) {
      // zero-cost-nas grasp: z = sum_l sum(g_l.data * grad_f_l), Hg = dz/dW.
      at::Tensor z = at::zeros({}, logits.options());
      for (std::size_t l = 0; l < weights.size(); ++l) z = z + (weight_grads[l] * g[l]).sum();
      if (z.requires_grad()) {
        hessian_grad = detached(gradients(z, weights, /*retain_graph=*/false));
      } else {  // no weight reaches the loss twice (e.g. only 'none' edges)
        hessian_grad.clear();
        for (const auto& w : weights) hessian_grad.push_back(at::zeros_like(w).detach());
      }
    }
    recorded |= kWeightGrads;
  } else if (jacobian_wanted) {
    jacobian = gradients(logits.sum(), {inputs}, /*retain_graph=*/false)[0].flatten(1);
  }
  recorded |= wanted;
}

Probes::Probes(std::shared_ptr<Network> net, Batch batch, std::function<std::shared_ptr<Network>()> rebuild,
               InitSpec init)
    : s_(new State{net, std::move(batch), std::move(rebuild), std::move(init), device_of(*net)}) {
  s_->batch.inputs = s_->batch.inputs.to(s_->device);
  if (s_->batch.labelled()) s_->batch.targets = s_->batch.targets.to(s_->device);
}

Probes::~Probes() = default;

void Probes::plan(ProbeSet needs) { s_->planned |= needs; }
void Probes::record_planned() {
  if ((s_->planned & kForwardProbes & ~s_->recorded) != kNoProbe) s_->record(kNoProbe);
}
Network& Probes::network() { return *s_->net; }
const Batch& Probes::batch() const { return s_->batch; }
const InitSpec& Probes::init() const { return s_->init; }
const std::vector<Layer>& Probes::layers() { return s_->net_layers(); }

const std::vector<at::Tensor>& Probes::weight_grads() {
  if (!(s_->recorded & kWeightGrads)) s_->record(kWeightGrads);
  return s_->weight_grads;
}

const std::vector<at::Tensor>& Probes::hessian_grad() {
  if (!(s_->recorded & kHessianGrad)) s_->record(kHessianGrad);
  return s_->hessian_grad;
}

const std::vector<Probes::Activation>& Probes::layer_activations() {
  if (!(s_->recorded & kLayerActivations)) s_->record(kLayerActivations);
  return s_->activations;
}

const at::Tensor& Probes::input_jacobian() {
  if (!(s_->recorded & kInputJacobian)) s_->record(kInputJacobian);
  return s_->jacobian;
}

const std::vector<at::Tensor>& Probes::relu_codes() {
  if (!(s_->recorded & kReluCodes)) s_->record(kReluCodes);
  return s_->relu_codes;
}

const at::Tensor& Probes::relu_kernel() {
  if (s_->relu_kernel.defined()) return s_->relu_kernel;
  at::NoGradGuard no_grad;
  const int64_t n = s_->batch.inputs.size(0);
  at::Tensor k = at::zeros({n, n}, s_->batch.inputs.options().dtype(at::kDouble));
  for (const auto& code : relu_codes()) {
    // c c^T + (1-c)(1-c)^T = 2 c c^T - s_i - s_j + F (s = row sums, F =
    // features): integers, exact in float32 while every partial sum stays
    // below 2^24, i.e. F below 2^22.
    const int64_t features = code.size(1);
    const at::Tensor c = code.to(features < (int64_t{1} << 22) ? at::kFloat : at::kDouble);
    const at::Tensor s = c.sum(1);
    // c c^T as a 1x1 convolution of the codes with themselves: LibTorch
    // runs CPU convolutions on oneDNN, while mm goes to the build's BLAS
    // (Debian's reference BLAS is 15x slower here). Same exact integers.
    const at::Tensor as_conv = c.view({n, features, 1, 1});
    const at::Tensor cct = at::conv2d(as_conv, as_conv).view({n, n});
    k += (2 * cct - s.unsqueeze(1) - s.unsqueeze(0) + static_cast<double>(features)).to(at::kDouble);
  }
  s_->relu_kernel = k;
  return s_->relu_kernel;
}

const std::vector<at::Tensor>& Probes::synflow_products(bool batchnorm) {
  auto& memo = s_->synflow[batchnorm];
  if (memo) return *memo;
  // zero-cost-nas synflow: abs() of every state-dict tensor, net.double(),
  // input ones(1, C, H, W), R = sum(logits), per layer W * dR/dW.
  auto copy = s_->rebuild();
  copy->to(at::kDouble);
  copy_state(*s_->net, *copy);
  {
    at::NoGradGuard no_grad;
    for (auto& p : copy->parameters()) p.abs_();
    for (auto& b : copy->buffers()) b.abs_();
  }
  copy->train();
  ForwardHooks hooks;
  hooks.batchnorm = batchnorm;
  HooksScope scope(*copy, std::move(hooks));
  at::AutoGradMode grad_mode(true);
  const at::Tensor r = copy->forward(at::ones(s_->single_input_shape(), at::dtype(at::kDouble).device(s_->device))).sum();
  const std::vector<at::Tensor> weights = weights_of(network_layers(*copy));
  std::vector<at::Tensor> grads = gradients(r, weights, /*retain_graph=*/false);
  for (std::size_t l = 0; l < weights.size(); ++l) grads[l] = (weights[l].detach() * grads[l]).detach();
  memo = std::move(grads);
  return *memo;
}

std::shared_ptr<Network> Probes::copy() {
  auto fresh = s_->rebuild();
  copy_state(*s_->net, *fresh);
  return fresh;
}

at::Tensor Probes::normal(const std::string& name, at::IntArrayRef shape) {
  return hash_gaussian(name, s_->init.seed, shape).to(s_->device);
}

double Probes::params_millions() {
  int64_t count = 0;
  for (const auto& p : s_->net->parameters()) count += p.numel();
  return static_cast<double>(count) / 1e6;
}

double Probes::flops_millions() {
  if (!s_->flops) {
    // tensorwatch counts an eval-mode forward of one image; eval-mode
    // BatchNorm only reads its buffers, so the network itself serves.
    double flops = 0;
    at::NoGradGuard no_grad;
    TrainingScope eval(*s_->net, /*training=*/false);
    ForwardHooks hooks;
    hooks.flops = &flops;
    HooksScope scope(*s_->net, std::move(hooks));
    s_->net->forward(at::zeros(s_->single_input_shape(), s_->batch.inputs.options()));
    s_->flops = flops / 1e6;
  }
  return *s_->flops;
}

// ---- Probes of the 2022-2024 proxies ----

const std::vector<std::vector<at::Tensor>>& Probes::split_weight_grads(int parts) {
  auto found = s_->split_grads.find(parts);
  if (found != s_->split_grads.end()) return found->second;
  const Batch& batch = s_->batch;
  const int64_t n = batch.inputs.size(0);
  if (!batch.labelled()) throw Error("the split-batch gradient probe needs labelled data, and this batch has no targets");
  if (parts < 1 || parts > n)
    throw Error("split-batch gradients: cannot cut a batch of " + std::to_string(n) + " into " +
                std::to_string(parts) + " parts; use a larger data.batch_size or fewer parts");
  BuffersScope keep_buffers(*s_->net);
  at::AutoGradMode grad_mode(true);
  const std::vector<at::Tensor> weights = weights_of(s_->net_layers());
  std::vector<std::vector<at::Tensor>> grads;
  for (int k = 0; k < parts; ++k) {
    // ZiCo iterates a loader; parts of N / k (the last takes the rest when
    // k does not divide N).
    const int64_t begin = k * n / parts, end = (k + 1) * n / parts;
    const at::Tensor logits = s_->net->forward(batch.inputs.slice(0, begin, end));
    const at::Tensor loss = at::cross_entropy_loss(logits, batch.targets.slice(0, begin, end));
    grads.push_back(detached(gradients(loss, weights, /*retain_graph=*/false)));
  }
  return s_->split_grads[parts] = std::move(grads);
}

const at::Tensor& Probes::sample_weight_grads(int64_t samples) {
  auto found = s_->sample_grads.find(samples);
  if (found != s_->sample_grads.end()) return found->second;
  const int64_t n = s_->batch.inputs.size(0);
  if (samples < 1 || samples > n)
    throw Error("per-sample gradients: " + std::to_string(samples) + " samples asked of a batch of " +
                std::to_string(n) + "; use a data.batch_size of at least " + std::to_string(samples) +
                " or fewer samples");
  std::vector<at::Tensor> params;
  for (const auto& p : s_->net->named_parameters())
    if (p.key().find("weight") != std::string::npos) params.push_back(p.value());
  BuffersScope keep_buffers(*s_->net);
  at::AutoGradMode grad_mode(true);
  // Train-mode BatchNorm couples the samples, so each row needs its own
  // backward through the one shared graph.
  const at::Tensor logits = s_->net->forward(s_->batch.inputs.slice(0, 0, samples));
  std::vector<at::Tensor> rows;
  for (int64_t i = 0; i < samples; ++i) {
    std::vector<at::Tensor> g = gradients(logits[i].sum(), params, /*retain_graph=*/i + 1 < samples);
    for (auto& t : g) t = t.detach().flatten();
    rows.push_back(at::cat(g));
  }
  return s_->sample_grads[samples] = at::stack(rows);
}

const std::vector<at::Tensor>& Probes::State::record_module_outputs(const std::string& key, const at::Tensor& input) {
  auto found = module_outputs.find(key);
  if (found != module_outputs.end()) return found->second;
  BuffersScope keep_buffers(*net);
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> outputs;
  ForwardHooks hooks;
  hooks.module_output = [&outputs](const at::Tensor& y) { outputs.push_back(y.detach()); };
  HooksScope scope(*net, std::move(hooks));
  net->forward(input);
  return module_outputs[key] = std::move(outputs);
}

const std::vector<at::Tensor>& Probes::module_outputs(int64_t images) {
  const int64_t n = s_->batch.inputs.size(0);
  if (images < 1 || images > n)
    throw Error("module outputs: " + std::to_string(images) + " images asked of a batch of " + std::to_string(n) +
                "; use a data.batch_size of at least " + std::to_string(images));
  return s_->record_module_outputs("batch:" + std::to_string(images), s_->batch.inputs.slice(0, 0, images));
}

const std::vector<at::Tensor>& Probes::module_outputs(const std::string& name, const std::vector<int64_t>& shape) {
  std::string key = "gaussian:" + name;
  for (int64_t d : shape) key += ":" + std::to_string(d);
  // The Gaussian is drawn only when the key is new.
  if (auto found = s_->module_outputs.find(key); found != s_->module_outputs.end()) return found->second;
  return s_->record_module_outputs(key, normal(name, shape));
}

}  // namespace nas
