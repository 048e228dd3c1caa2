// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/ByteRegex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstring>

namespace socketscope::logs {

namespace {

constexpr std::size_t kJitStackMax = 1024 * 1024;

// What one thread needs to run any ByteRegex: match data for one pair (enough to know where a
// match is, whatever the pattern's groups), a match context with the limits, a JIT stack.
struct ThreadMatchState {
    pcre2_match_data* data = nullptr;
    pcre2_match_context* context = nullptr;
    pcre2_jit_stack* stack = nullptr;

    ThreadMatchState()
    {
        data = pcre2_match_data_create(1, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(32 * 1024, kJitStackMax, nullptr);
        if (context) {
            pcre2_set_match_limit(context, ByteRegex::kMatchLimit);
            pcre2_set_depth_limit(context, ByteRegex::kMatchLimit);
            pcre2_set_heap_limit(context, 64 * 1024); // KiB, for the interpreter (no JIT)
            if (stack)
                pcre2_jit_stack_assign(context, nullptr, stack);
        }
    }
    ~ThreadMatchState()
    {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
    ThreadMatchState(const ThreadMatchState&) = delete;
    ThreadMatchState& operator=(const ThreadMatchState&) = delete;
};

ThreadMatchState& threadState()
{
    thread_local ThreadMatchState state;
    return state;
}

QString errorText(int code)
{
    PCRE2_UCHAR buffer[256];
    const int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    return n > 0 ? QString::fromUtf8(reinterpret_cast<const char*>(buffer), n) : QStringLiteral("error %1").arg(code);
}

bool isAlnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Bytes of the UTF-8 character starting with lead byte c (1 for ASCII and stray bytes).
qsizetype utf8Length(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0xF0)
        return 4;
    if (u >= 0xE0)
        return 3;
    if (u >= 0xC0)
        return 2;
    return 1;
}

// After '[' at i: the index just past the class's closing ']'.
qsizetype skipClass(const QByteArray& p, qsizetype i)
{
    const qsizetype n = p.size();
    qsizetype j = i + 1;
    if (j < n && p[j] == '^')
        ++j;
    if (j < n && p[j] == ']')
        ++j;
    while (j < n && p[j] != ']') {
        if (p[j] == '\\') {
            j += 2;
        } else if (p[j] == '[' && j + 1 < n && p[j + 1] == ':') {
            const qsizetype close = p.indexOf(":]", j + 2);
            j = close < 0 ? n : close + 2;
        } else {
            ++j;
        }
    }
    return j + 1;
}

// A {n}, {n,} or {n,m} quantifier at i: its end and its minimum; false when '{' is a literal.
bool parseBraces(const QByteArray& p, qsizetype i, qsizetype* end, int* minimum)
{
    const qsizetype n = p.size();
    qsizetype j = i + 1;
    int value = 0;
    const qsizetype digits = j;
    while (j < n && p[j] >= '0' && p[j] <= '9') {
        value = qMin(value * 10 + (p[j] - '0'), 1000000);
        ++j;
    }
    if (j == digits)
        return false;
    if (j < n && p[j] == ',') {
        ++j;
        while (j < n && p[j] >= '0' && p[j] <= '9')
            ++j;
    }
    if (j >= n || p[j] != '}')
        return false;
    *end = j + 1;
    *minimum = value;
    return true;
}

// A quantifier at i (with its lazy/possessive suffix): its end and minimum count; false if none.
bool parseQuantifier(const QByteArray& p, qsizetype i, qsizetype* end, int* minimum)
{
    if (i >= p.size())
        return false;
    const char c = p[i];
    if (c == '*' || c == '?' || c == '+') {
        *end = i + 1;
        *minimum = c == '+' ? 1 : 0;
    } else if (c != '{' || !parseBraces(p, i, end, minimum)) {
        return false;
    }
    if (*end < p.size() && (p[*end] == '?' || p[*end] == '+'))
        ++*end;
    return true;
}

} // namespace

Result<ByteRegex> ByteRegex::compile(const QString& pattern, bool caseSensitive)
{
    const QByteArray utf8 = pattern.toUtf8();
    pcre2_compile_context* cctx = pcre2_compile_context_create(nullptr);
    if (cctx)
        pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
    uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE;
    if (!caseSensitive)
        options |= PCRE2_CASELESS;
    int error = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(utf8.constData()), PCRE2_SIZE(utf8.size()), options,
                                     &error, &errorOffset, cctx);
    pcre2_compile_context_free(cctx);
    if (!code) {
        // PCRE2 counts bytes; the user counts characters.
        const qsizetype chars = QString::fromUtf8(utf8.left(qsizetype(errorOffset))).size();
        return Result<ByteRegex>::failure(
            QStringLiteral("Invalid regular expression at offset %1: %2").arg(chars).arg(errorText(error)));
    }
    // Without JIT (a platform without it, or memory refused) the interpreter runs, with the same limits.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    ByteRegex re;
    re.m_code = std::shared_ptr<pcre2_code>(code, [](pcre2_code* c) { pcre2_code_free(c); });
    return re;
}

ByteRegex::Outcome ByteRegex::find(const char* subject, std::size_t length, std::size_t from, Hit* hit) const
{
    if (!m_code)
        return Outcome::NoMatch;
    ThreadMatchState& state = threadState();
    if (!state.data)
        return Outcome::TooComplex; // out of memory: say so rather than report "no match"
    const int rc = pcre2_match(m_code.get(), reinterpret_cast<PCRE2_SPTR>(subject), length, from, 0, state.data, state.context);
    if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL)
        return Outcome::NoMatch;
    if (rc < 0)
        return Outcome::TooComplex; // match, depth or heap limit, JIT stack exhausted
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data);
    if (hit) {
        hit->start = ovector[0];
        // \K can put the start after the end; only the span matters here.
        hit->end = qMax(ovector[0], ovector[1]);
    }
    return Outcome::Match;
}

ByteRegex::Literal ByteRegex::requiredLiteral(const QByteArray& p)
{
    if (p.contains("\\Q") || p.contains("(*"))
        return {};
    QByteArray best;
    QByteArray run;
    bool broken = false;
    auto endRun = [&] {
        if (run.size() > best.size())
            best = run;
        run.clear();
        broken = true;
    };
    const qsizetype n = p.size();
    qsizetype i = 0;
    qsizetype end = 0;
    int minimum = 0;
    while (i < n) {
        const char c = p[i];
        QByteArray atom;
        switch (c) {
        case '|':
        case ')':
        case '*':
        case '+':
        case '?':
            return {}; // alternation, or something PCRE2 will reject anyway
        case '(': {
            if (i + 1 < n && p[i + 1] == '?') {
                // Lookarounds and (non-)capturing/named groups are skipped like any group;
                // option settings like (?i) change what follows: give up.
                if (i + 2 >= n || !QByteArrayView("=!<:>|P'").contains(p[i + 2]))
                    return {};
            }
            int depth = 1;
            qsizetype j = i + 1;
            while (j < n && depth > 0) {
                if (p[j] == '\\') {
                    j += 2;
                    continue;
                }
                if (p[j] == '[') {
                    j = skipClass(p, j);
                    continue;
                }
                if (p[j] == '(')
                    ++depth;
                else if (p[j] == ')')
                    --depth;
                ++j;
            }
            endRun();
            i = j;
            if (parseQuantifier(p, i, &end, &minimum))
                i = end;
            continue;
        }
        case '[':
            endRun();
            i = skipClass(p, i);
            if (parseQuantifier(p, i, &end, &minimum))
                i = end;
            continue;
        case '.':
        case '^':
        case '$':
            endRun();
            ++i;
            if (parseQuantifier(p, i, &end, &minimum))
                i = end;
            continue;
        case '{':
            endRun(); // a literal '{' (a quantifier was taken with its atom): not worth the care
            ++i;
            continue;
        case '\\': {
            if (i + 1 >= n)
                return {};
            const char d = p[i + 1];
            if (isAlnum(d)) {
                // Escapes without arguments are single-position atoms; the rest (backreferences,
                // \x.., \p{..}, \g, \k, \c, \N{..}, \Q...) are beyond this scanner.
                if (!QByteArrayView("dDwWsSbBhHvVRXAzZGKtnrfea").contains(d))
                    return {};
                endRun();
                i += 2;
                if (parseQuantifier(p, i, &end, &minimum))
                    i = end;
                continue;
            }
            atom = p.mid(i + 1, utf8Length(d));
            i += 1 + atom.size();
            break;
        }
        default:
            atom = p.mid(i, utf8Length(c));
            i += atom.size();
            break;
        }
        const qsizetype atomStart = run.size();
        run += atom;
        if (parseQuantifier(p, i, &end, &minimum)) {
            if (minimum == 0)
                run.truncate(atomStart);
            endRun();
            i = end;
        }
    }
    const bool whole = !broken;
    if (run.size() > best.size())
        best = run;
    return {best, whole && !best.isEmpty()};
}

} // namespace socketscope::logs
