// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <memory>

struct pcre2_real_code_8;

namespace socketscope::logs {

// A regular expression run on raw UTF-8 bytes: PCRE2's 8-bit library (the engine under
// QRegularExpression, so the syntax users type stays the same) with its JIT, in UTF mode where
// invalid UTF-8 in the subject never matches instead of failing the search. A match may take at
// most kMatchLimit backtracking steps: a pattern such as (a+)+$ on a long line ends with
// Outcome::TooComplex instead of running for hours. Immutable after compile(): safe to share
// between threads (each thread keeps its own match data and JIT stack).
class ByteRegex {
public:
    static constexpr unsigned kMatchLimit = 5'000'000;

    enum class Outcome { Match, NoMatch, TooComplex };
    struct Hit {
        std::size_t start = 0;
        std::size_t end = 0;
    };

    ByteRegex() = default;
    // Options: multiline (^ and $ at each line), UTF; caseless when !caseSensitive. The error
    // names the character offset of a syntax error.
    static Result<ByteRegex> compile(const QString& pattern, bool caseSensitive);

    bool isValid() const { return m_code != nullptr; }
    // The first match in subject[0, length) starting at or after `from`.
    Outcome find(const char* subject, std::size_t length, std::size_t from, Hit* hit) const;

    // A literal that every match of the pattern contains, for a prefilter, or empty. `whole`
    // tells that the pattern is exactly that literal (no metacharacter outside of escaped
    // punctuation): then no regex is needed at all. Conservative: gives up (empty) on anything
    // it does not fully understand (top-level |, option settings, \Q, backreferences...).
    struct Literal {
        QByteArray bytes;
        bool whole = false;
    };
    static Literal requiredLiteral(const QByteArray& utf8Pattern);

private:
    std::shared_ptr<pcre2_real_code_8> m_code;
};

} // namespace socketscope::logs
