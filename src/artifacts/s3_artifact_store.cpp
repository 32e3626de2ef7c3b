#include "artifacts/s3_artifact_store.h"

#include "artifacts/sha256.h"
#include "common/logger.h"
#include "common/percent_encoding.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <mutex>
#include <optional>
#include <regex>
#include <utility>
#include <vector>

namespace chatdb::artifacts {
namespace {

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Error documents and listing pages; a 1000-key page is a few hundred KiB.
constexpr std::size_t kMaxResponseBody = 16 * 1024 * 1024;
constexpr std::size_t kMaxIdleHandles = 16;
constexpr std::size_t kReadChunk = 256 * 1024;
constexpr int kMaxParts = 10000;

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string etag;
};

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml_unescape(std::string_view text) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    if (text[i] == '&') {
      for (auto [entity, c] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size() - 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i];
  }
  return out;
}

/// The raw contents of every <tag>...</tag> in `xml`, in order. S3's documents are flat enough
/// for this: the tags read here never nest in themselves.
std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  std::size_t pos = 0;
  while ((pos = xml.find(open, pos)) != std::string_view::npos) {
    std::size_t start = pos + open.size();
    std::size_t end = xml.find(close, start);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(start, end - start));
    pos = end + close.size();
  }
  return out;
}

std::string xml_first(std::string_view xml, std::string_view tag) {
  auto elements = xml_elements(xml, tag);
  return elements.empty() ? std::string() : xml_unescape(elements.front());
}

/// One request's state, shared with curl's callbacks.
struct Call {
  CURL* handle = nullptr;
  std::string_view upload;
  std::size_t uploaded = 0;
  const Writer* sink = nullptr;
  std::optional<Error> sink_error;
  HttpResponse response;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto* call = static_cast<Call*>(user);
  std::size_t n = std::min(size * count, call->upload.size() - call->uploaded);
  std::memcpy(buffer, call->upload.data() + call->uploaded, n);
  call->uploaded += n;
  return n;
}

// Lets curl resend a body, e.g. when a kept-alive connection turns out to be closed.
int on_seek(void* user, curl_off_t offset, int origin) {
  auto* call = static_cast<Call*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<std::size_t>(offset) > call->upload.size()) {
    return CURL_SEEKFUNC_FAIL;
  }
  call->uploaded = static_cast<std::size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* call = static_cast<Call*>(user);
  const std::size_t n = size * count;
  long status = 0;
  curl_easy_getinfo(call->handle, CURLINFO_RESPONSE_CODE, &status);
  // Only a successful response's body is the object; an error document goes to the body.
  if (call->sink != nullptr && status / 100 == 2) {
    if (auto result = (*call->sink)(std::string_view(data, n)); !result.ok()) {
      call->sink_error = result.error();
      return 0;
    }
    return n;
  }
  if (call->response.body.size() + n > kMaxResponseBody) return 0;
  call->response.body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* call = static_cast<Call*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kEtag = "etag:";
  if (line.size() > kEtag.size() &&
      std::equal(kEtag.begin(), kEtag.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    std::string_view value = line.substr(kEtag.size());
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    call->response.etag = first == std::string_view::npos ? "" : std::string(value.substr(first, last - first + 1));
  }
  return size * count;
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

struct S3ArtifactStore::Impl {
  S3Options options;
  std::string location;  // for messages: s3://BUCKET at ENDPOINT
  std::string sigv4;
  std::atomic<bool> bucket_ready{false};
  std::mutex pool_mutex;
  std::vector<CURL*> idle;  // kept for their open connections

  ~Impl() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }

  struct Request {
    const char* method = "GET";
    std::string target = {};  // /BUCKET[/KEY][?QUERY], encoded, query parameters sorted by name
    std::string_view body = {};
    std::string payload_sha256 = std::string(kEmptySha256);
    const char* content_type = nullptr;
    const Writer* sink = nullptr;  // receives a 2xx response's body
  };

  CURL* acquire() {
    {
      std::lock_guard lock(pool_mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* handle) {
    curl_easy_reset(handle);  // keeps the handle's connection cache
    std::lock_guard lock(pool_mutex);
    if (idle.size() < kMaxIdleHandles) {
      idle.push_back(handle);
      return;
    }
    curl_easy_cleanup(handle);
  }

  Result<HttpResponse> perform(const Request& request) {
    CURL* handle = acquire();
    if (handle == nullptr) return Error::internal("libcurl could not create a handle (out of memory?)");
    Call call;
    call.handle = handle;
    call.upload = request.body;
    call.sink = request.sink;

    HeaderList headers(nullptr, &curl_slist_free_all);
    auto add_header = [&](const std::string& header) { headers.reset(curl_slist_append(headers.release(), header.c_str())); };
    // curl signs with this header's value as the payload hash, as S3 requires.
    add_header("x-amz-content-sha256: " + request.payload_sha256);
    if (request.content_type != nullptr) add_header(std::string("Content-Type: ") + request.content_type);

    const std::string url = options.endpoint + request.target;
    char error_buffer[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.stall_timeout.count()));
    curl_easy_setopt(handle, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(handle, CURLOPT_USERNAME, options.access_key_id.c_str());
    curl_easy_setopt(handle, CURLOPT_PASSWORD, options.secret_access_key.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(handle, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(handle, CURLOPT_READDATA, &call);
    curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(handle, CURLOPT_SEEKDATA, &call);
    const std::string_view method = request.method;
    if (method == "HEAD") {
      curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
    } else if (method == "PUT") {
      curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else if (method == "POST") {
      curl_easy_setopt(handle, CURLOPT_POST, 1L);
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    } else if (method != "GET") {
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method);
    }

    const CURLcode code = curl_easy_perform(handle);
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &call.response.status);
    release(handle);
    if (call.sink_error) return *call.sink_error;
    if (code != CURLE_OK) {
      return Error::unavailable("S3 endpoint " + options.endpoint + " is unreachable (" + curl_easy_strerror(code) +
                                (error_buffer[0] != '\0' ? std::string(": ") + error_buffer : std::string()) +
                                "); check S3_ENDPOINT and that the S3 server is running");
    }
    return std::move(call.response);
  }

  /// Maps a response that is not the expected success to an Error.
  Error http_error(const HttpResponse& response, const std::string& action) {
    const std::string code = xml_first(response.body, "Code");
    std::string detail = "HTTP " + std::to_string(response.status);
    if (!code.empty()) detail += " " + code + ": " + xml_first(response.body, "Message");
    if (code == "NoSuchBucket") {
      bucket_ready = false;
      return Error::unavailable(location + ": the bucket does not exist (" + detail +
                                "); the next put creates it again");
    }
    if (response.status >= 500 || response.status == 429) {
      return Error::unavailable(location + " failed to " + action + " (" + detail + "); retry later");
    }
    if (response.status == 401 || response.status == 403) {
      return Error{ErrorCode::kUnavailable,
                   location + " refused to " + action + " (" + detail +
                       "); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and the bucket's policy",
                   false};
    }
    return Error::internal(location + " rejected the request to " + action + " (" + detail + ")");
  }

  Status ensure_bucket() {
    if (bucket_ready) return Status::success();
    const std::string target = "/" + options.bucket;
    auto head = perform({.method = "HEAD", .target = target});
    if (!head.ok()) return head.error();
    if (head->status == 404) {
      // Outside us-east-1, S3 wants the region in the body of a bucket creation.
      std::string body;
      if (options.region != "us-east-1") {
        body = "<CreateBucketConfiguration><LocationConstraint>" + xml_escape(options.region) +
               "</LocationConstraint></CreateBucketConfiguration>";
      }
      auto created = perform({.method = "PUT", .target = target, .body = body, .payload_sha256 = Sha256::of(body)});
      if (!created.ok()) return created.error();
      if (created->status == 409) {
        // Someone created it since the HEAD (another thread or service): fine if we can use it.
        auto again = perform({.method = "HEAD", .target = target});
        if (!again.ok()) return again.error();
        if (again->status != 200) return http_error(*created, "create the bucket");
      } else if (created->status != 200) {
        return http_error(*created, "create the bucket");
      }
    } else if (head->status != 200) {
      return http_error(*head, "find the bucket");
    }
    bucket_ready = true;
    return Status::success();
  }

  std::string object_target(const std::string& key) const {
    // Valid keys hold only unreserved characters and '/', so the path needs no encoding.
    return "/" + options.bucket + "/" + key;
  }

  /// Reads the next part into `buffer` (up to part_size bytes, grown as they come so a small
  /// object costs little); returns whether the reader reached its end.
  Result<bool> fill(const Reader& reader, std::string& buffer) const {
    buffer.clear();
    while (buffer.size() < options.part_size) {
      const std::size_t offset = buffer.size();
      const std::size_t wanted = std::min(kReadChunk, options.part_size - offset);
      buffer.resize(offset + wanted);
      auto n = reader(buffer.data() + offset, wanted);
      if (!n.ok()) return n.error();
      buffer.resize(offset + *n);
      if (*n == 0) return true;
    }
    return false;
  }

  Status put_single(const std::string& key, std::string_view body) {
    auto response = perform(
        {.method = "PUT", .target = object_target(key), .body = body, .payload_sha256 = Sha256::of(body)});
    if (!response.ok()) return response.error();
    if (response->status != 200) return http_error(*response, "store '" + key + "'");
    return Status::success();
  }

  /// Uploads `buffer` (a full first part) and the rest of the reader's bytes as parts.
  Status put_multipart(const std::string& key, const Reader& reader, std::string& buffer) {
    const std::string target = object_target(key);
    auto created = perform({.method = "POST", .target = target + "?uploads="});
    if (!created.ok()) return created.error();
    if (created->status != 200) return http_error(*created, "start a multipart upload of '" + key + "'");
    const std::string upload_id = xml_first(created->body, "UploadId");
    if (upload_id.empty()) return Error::internal(location + " started a multipart upload without an UploadId");
    const std::string id_query = "uploadId=" + percent_encode(upload_id);

    // Leaves no orphaned parts behind on the server (best effort: the server may be down).
    auto abort = [&](Error error) -> Status {
      auto aborted = perform({.method = "DELETE", .target = target + "?" + id_query});
      if (!aborted.ok() || aborted->status != 204) {
        Logger::warn("S3 multipart upload not aborted; its parts stay until a bucket lifecycle rule removes them",
                     {{"store", location},
                      {"key", key},
                      {"upload_id", upload_id},
                      {"reason", aborted.ok() ? "HTTP " + std::to_string(aborted->status) : aborted.error().message}});
      }
      return error;
    };
    std::string complete = "<CompleteMultipartUpload>";
    bool ended = false;
    for (int part = 1;; ++part) {
      if (part > kMaxParts) {
        return abort(Error::invalid("artifact '" + key + "' needs more than 10000 parts of " +
                                    std::to_string(options.part_size) + " bytes; raise the part size"));
      }
      const std::string_view body = buffer;
      auto uploaded = perform({.method = "PUT",
                               .target = target + "?partNumber=" + std::to_string(part) + "&" + id_query,
                               .body = body,
                               .payload_sha256 = Sha256::of(body)});
      if (!uploaded.ok()) return abort(uploaded.error());
      if (uploaded->status != 200) return abort(http_error(*uploaded, "store part of '" + key + "'"));
      if (uploaded->etag.empty()) return abort(Error::internal(location + " answered a part upload without an ETag"));
      complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" + xml_escape(uploaded->etag) +
                  "</ETag></Part>";
      if (ended) break;
      auto next = fill(reader, buffer);
      if (!next.ok()) return abort(next.error());
      ended = *next;
      if (buffer.empty()) break;
    }
    complete += "</CompleteMultipartUpload>";
    auto completed = perform({.method = "POST",
                              .target = target + "?" + id_query,
                              .body = complete,
                              .payload_sha256 = Sha256::of(complete),
                              .content_type = "application/xml"});
    if (!completed.ok()) return abort(completed.error());
    // S3 may report a failed completion in the body of a 200.
    if (completed->status == 200 && completed->body.find("<Error>") != std::string::npos) completed->status = 500;
    if (completed->status != 200) return abort(http_error(*completed, "complete the upload of '" + key + "'"));
    return Status::success();
  }
};

Result<std::unique_ptr<S3ArtifactStore>> S3ArtifactStore::open(S3Options options) {
  static const std::regex kEndpoint(R"(https?://[^/?#\s]+(/[^?#\s]*)?)");
  static const std::regex kBucket(R"([a-z0-9][a-z0-9.\-]{1,61}[a-z0-9])");
  while (!options.endpoint.empty() && options.endpoint.back() == '/') options.endpoint.pop_back();
  if (!std::regex_match(options.endpoint, kEndpoint)) {
    return Error::invalid("S3 endpoint '" + options.endpoint + "' is not an http:// or https:// URL");
  }
  if (!std::regex_match(options.bucket, kBucket)) {
    return Error::invalid("S3 bucket '" + options.bucket + "' is not a valid bucket name (3-63 of a-z 0-9 . -)");
  }
  if (options.part_size == 0 || options.list_page_size < 1 || options.list_page_size > 1000) {
    return Error::invalid("S3 part size must be positive and the list page size 1-1000");
  }
  static std::once_flag curl_initialized;
  std::call_once(curl_initialized, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  auto impl = std::make_unique<Impl>();
  impl->location = "s3://" + options.bucket + " at " + options.endpoint;
  impl->sigv4 = "aws:amz:" + options.region + ":s3";
  impl->options = std::move(options);
  return std::unique_ptr<S3ArtifactStore>(new S3ArtifactStore(std::move(impl)));
}

S3ArtifactStore::S3ArtifactStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
S3ArtifactStore::~S3ArtifactStore() = default;

Status S3ArtifactStore::do_put(const std::string& key, const Reader& reader) {
  if (auto ready = impl_->ensure_bucket(); !ready.ok()) return ready;
  std::string buffer;
  auto ended = impl_->fill(reader, buffer);
  if (!ended.ok()) return ended.error();
  if (*ended) return impl_->put_single(key, buffer);
  return impl_->put_multipart(key, reader, buffer);
}

// Reads never create the bucket (a read never writes): a missing bucket holds nothing.
Status S3ArtifactStore::do_get(const std::string& key, const Writer& writer) {
  auto response = impl_->perform({.method = "GET", .target = impl_->object_target(key), .sink = &writer});
  if (!response.ok()) return response.error();
  if (response->status == 200) return Status::success();
  if (response->status == 404) {
    const bool no_bucket = xml_first(response->body, "Code") == "NoSuchBucket";
    return Error::not_found("artifact '" + key + "' not found in " + impl_->location +
                            (no_bucket ? " (the bucket does not exist)" : ""));
  }
  return impl_->http_error(*response, "read '" + key + "'");
}

Result<bool> S3ArtifactStore::do_exists(const std::string& key) {
  auto response = impl_->perform({.method = "HEAD", .target = impl_->object_target(key)});
  if (!response.ok()) return response.error();
  if (response->status == 200) return true;
  if (response->status == 404) return false;
  return impl_->http_error(*response, "inspect '" + key + "'");
}

Status S3ArtifactStore::do_remove(const std::string& key) {
  auto response = impl_->perform({.method = "DELETE", .target = impl_->object_target(key)});
  if (!response.ok()) return response.error();
  if (response->status == 204 || response->status == 200) return Status::success();
  const std::string code = xml_first(response->body, "Code");
  if (response->status == 404 && (code == "NoSuchKey" || code == "NoSuchBucket")) return Status::success();
  return impl_->http_error(*response, "delete '" + key + "'");
}

Result<std::vector<ObjectEntry>> S3ArtifactStore::do_list(const std::string& prefix) {
  std::vector<ObjectEntry> entries;
  std::string token;
  for (;;) {
    // SigV4 signs the query as sent: parameters sorted by name, values encoded.
    std::string query = "?";
    if (!token.empty()) query += "continuation-token=" + percent_encode(token) + "&";
    query += "list-type=2&max-keys=" + std::to_string(impl_->options.list_page_size) + "&prefix=" + percent_encode(prefix);
    auto response = impl_->perform({.method = "GET", .target = "/" + impl_->options.bucket + query});
    if (!response.ok()) return response.error();
    if (response->status == 404 && xml_first(response->body, "Code") == "NoSuchBucket") return entries;
    if (response->status != 200) return impl_->http_error(*response, "list '" + prefix + "'");
    for (std::string_view contents : xml_elements(response->body, "Contents")) {
      ObjectEntry entry{xml_first(contents, "Key"), 0};
      const std::string size = xml_first(contents, "Size");
      auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), entry.size);
      if (ec != std::errc() || end != size.data() + size.size()) {
        return Error::internal(impl_->location + " listed '" + entry.key + "' with a malformed size '" + size + "'");
      }
      entries.push_back(std::move(entry));
    }
    token = xml_first(response->body, "NextContinuationToken");
    if (xml_first(response->body, "IsTruncated") != "true" || token.empty()) break;
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  return entries;
}

}  // namespace chatdb::artifacts
