// Error types of the nasrun SDK. Every message is one line that names the
// thing at fault and, where there is one, the fix.
#pragma once
#include <stdexcept>
#include <string>

namespace nas {

/// Any user-facing error: bad pipeline, bad arch string, missing file.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An architecture string or encoding that the space cannot accept.
class ArchError : public Error {
 public:
  using Error::Error;
};

/// A pipeline value at a JSON path (e.g. "/strategy/options/population").
class PipelineError : public Error {
 public:
  PipelineError(const std::string& path, const std::string& message)
      : Error((path.empty() ? std::string("/") : path) + ": " + message), path_(path) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace nas
