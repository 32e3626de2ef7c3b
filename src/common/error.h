#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace chatdb {

/// What went wrong, independent of transport. One place (http/problem.cpp) maps a code to an
/// HTTP status; everything else speaks in these codes.
enum class ErrorCode {
  kInvalidArgument,    // the caller sent something malformed or out of range
  kNotFound,           // the named thing does not exist
  kConflict,           // the request contradicts the current state
  kPayloadTooLarge,    // a body or dataset over the configured limit
  kUnsupportedMedia,   // a body in a format we do not read
  kUnprocessable,      // well-formed, but its content cannot be used (a corrupt model artifact)
  kUnavailable,        // a dependency is down; retrying later may succeed
  kTimeout,            // a deadline passed
  kInternal,           // a bug or an unexpected state on our side
};

std::string_view to_string(ErrorCode code);

/// An expected failure: a code, a message a client may read (with a hint of the fix), and
/// whether the same call may succeed if retried.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  bool retryable = false;

  static Error invalid(std::string message) { return {ErrorCode::kInvalidArgument, std::move(message), false}; }
  static Error not_found(std::string message) { return {ErrorCode::kNotFound, std::move(message), false}; }
  static Error conflict(std::string message) { return {ErrorCode::kConflict, std::move(message), false}; }
  static Error unprocessable(std::string message) { return {ErrorCode::kUnprocessable, std::move(message), false}; }
  static Error unavailable(std::string message) { return {ErrorCode::kUnavailable, std::move(message), true}; }
  static Error timeout(std::string message) { return {ErrorCode::kTimeout, std::move(message), true}; }
  static Error internal(std::string message) { return {ErrorCode::kInternal, std::move(message), false}; }
};

/// A value or an Error. Small on purpose: `ok()`, `value()`, `error()`.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}     // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  const Error& error() const { return std::get<Error>(data_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Error> data_;
};

/// Result of an operation with no value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  static Status success() { return {}; }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace chatdb
