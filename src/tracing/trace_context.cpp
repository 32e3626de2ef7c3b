#include "tracing/trace_context.h"

#include <cstdint>
#include <random>

namespace chatdb::tracing {
namespace {

bool lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool all_zero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

std::string random_hex(std::size_t digits) {
  // One generator per thread: no lock on the request path.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(digits, '0');
  do {
    for (std::size_t i = 0; i < digits; i += 16) {
      std::uint64_t bits = rng();
      for (std::size_t j = i; j < digits && j < i + 16; ++j, bits >>= 4) out[j] = kHex[bits & 0xf];
    }
  } while (all_zero(out));
  return out;
}

// key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" ) with an optional tenant@system.
bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 256) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
    if (!ok) return false;
  }
  return true;
}

// value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
bool valid_value(std::string_view value) {
  if (value.empty() || value.size() > 256 || value.back() == ' ') return false;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e || c == ',' || c == '=') return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string SpanContext::traceparent() const {
  return "00-" + trace_id + "-" + span_id + (sampled ? "-01" : "-00");
}

std::optional<SpanContext> parse_traceparent(std::string_view h) {
  h = trim(h);
  // version "-" trace-id "-" parent-id "-" trace-flags: 2+1+32+1+16+1+2 = 55 characters.
  if (h.size() < 55 || h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  std::string_view version = h.substr(0, 2), trace = h.substr(3, 32), span = h.substr(36, 16), flags = h.substr(53, 2);
  if (!lower_hex(version) || version == "ff" || !lower_hex(trace) || !lower_hex(span) || !lower_hex(flags)) return std::nullopt;
  // Version 00 has exactly these fields; a future version may append "-..." after them.
  if (version == "00" ? h.size() != 55 : (h.size() > 55 && h[55] != '-')) return std::nullopt;
  if (all_zero(trace) || all_zero(span)) return std::nullopt;
  SpanContext ctx;
  ctx.trace_id = std::string(trace);
  ctx.span_id = std::string(span);
  ctx.sampled = (hex_value(flags[1]) & 1) != 0;
  return ctx;
}

std::string valid_tracestate(std::string_view header) {
  if (header.size() > 512) return {};
  std::string out;
  int members = 0;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view member = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (member.empty()) continue;
    auto eq = member.find('=');
    if (eq == std::string_view::npos || !valid_key(member.substr(0, eq)) || !valid_value(member.substr(eq + 1))) return {};
    if (++members > 32) return {};
    if (!out.empty()) out += ',';
    out += member;
  }
  return out;
}

std::optional<SpanContext> extract(std::string_view traceparent, std::string_view tracestate) {
  if (traceparent.empty()) return std::nullopt;
  auto ctx = parse_traceparent(traceparent);
  if (ctx) ctx->tracestate = valid_tracestate(tracestate);
  return ctx;
}

std::string new_trace_id() { return random_hex(32); }
std::string new_span_id() { return random_hex(16); }

}  // namespace chatdb::tracing
