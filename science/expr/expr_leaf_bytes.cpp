// A LeafSet as bytes: what crosses from the MPI rank that read an arch's
// leaves to the ranks that evaluate expressions on them. The layout is the
// host's (the ranks of one job share an architecture and a build): per leaf
// its name, type, layer count, dtype, sizes and raw data, and for per-layer
// values the entry count of each layer instead of the int64 layer id of
// every entry (the segment is rebuilt from those counts, at an eighth of
// the bytes for float32 data).
#include <ATen/ATen.h>

#include <cstring>

#include "nas/errors.h"
#include "nas/proxy_expr.h"

namespace nas::expr {

namespace {

class Writer {
 public:
  template <typename T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    out_ += s;
  }
  void put_tensor(const at::Tensor& t) {
    const at::Tensor c = t.cpu().contiguous();
    put<int8_t>(static_cast<int8_t>(c.scalar_type()));
    put<uint64_t>(static_cast<uint64_t>(c.dim()));
    for (const int64_t s : c.sizes()) put<int64_t>(s);
    const auto n = static_cast<uint64_t>(c.numel()) * c.element_size();
    put<uint64_t>(n);
    out_.append(static_cast<const char*>(c.data_ptr()), n);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  template <typename T>
  T get() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }
  std::string get_string() {
    const auto n = get<uint64_t>();
    return std::string(take(n), n);
  }
  at::Tensor get_tensor(c10::Device device) {
    const auto type = static_cast<at::ScalarType>(get<int8_t>());
    std::vector<int64_t> sizes(get<uint64_t>());
    for (auto& s : sizes) s = get<int64_t>();
    const auto n = get<uint64_t>();
    at::Tensor t = at::empty(sizes, at::TensorOptions().dtype(type));
    if (n != static_cast<uint64_t>(t.numel()) * t.element_size()) throw Error("proxy expression leaves: corrupt bytes");
    std::memcpy(t.data_ptr(), take(n), n);
    return t.to(device);
  }
  bool done() const { return at_ == in_.size(); }

 private:
  const char* take(std::size_t n) {
    if (n > in_.size() - at_) throw Error("proxy expression leaves: truncated bytes");
    const char* p = in_.data() + at_;
    at_ += n;
    return p;
  }
  const std::string& in_;
  std::size_t at_ = 0;
};

}  // namespace

std::string LeafSet::to_bytes() const {
  Writer w;
  w.put<uint64_t>(values_.size());
  for (const auto& [name, v] : values_) {
    w.put_string(name);
    w.put<uint8_t>(static_cast<uint8_t>(v.type.shape));
    w.put_string(v.type.family);
    w.put<uint8_t>(v.type.square);
    w.put<int64_t>(v.layers);
    w.put_tensor(v.data);
    w.put<uint8_t>(v.segment != nullptr);
    if (v.segment) w.put_tensor(at::bincount(*v.segment, {}, v.layers));
  }
  return w.take();
}

LeafSet LeafSet::from_bytes(const std::string& bytes, c10::Device device) {
  Reader r(bytes);
  LeafSet set;
  // Leaves of one family share their layer ids (W and G, A and dA), as read() makes them.
  std::vector<std::pair<at::Tensor, std::shared_ptr<const at::Tensor>>> segments;
  for (auto n = r.get<uint64_t>(); n > 0; --n) {
    const std::string name = r.get_string();
    Value v;
    v.type.shape = static_cast<Shape>(r.get<uint8_t>());
    v.type.family = r.get_string();
    v.type.square = r.get<uint8_t>() != 0;
    v.layers = r.get<int64_t>();
    v.data = r.get_tensor(device);
    if (r.get<uint8_t>()) {
      const at::Tensor counts = r.get_tensor(c10::kCPU);
      for (const auto& [c, s] : segments)
        if (at::equal(c, counts)) v.segment = s;
      if (!v.segment) {
        v.segment = std::make_shared<const at::Tensor>(
            at::repeat_interleave(at::arange(v.layers, counts.options()), counts).to(device));
        segments.emplace_back(counts, v.segment);
      }
    }
    set.values_[name] = std::move(v);
  }
  if (!r.done()) throw Error("proxy expression leaves: trailing bytes");
  return set;
}

}  // namespace nas::expr
