// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace socketscope {

// An expected-style return value: either a value or an error message a person can act on.
// Errors are logged once, at the boundary that shows them (CLI, GUI), never where they arise.
template <typename T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {} // NOLINT(google-explicit-constructor)
    static Result failure(QString message) { return Result(Error{std::move(message)}); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return *m_value; }
    T& value() & { return *m_value; }
    T&& value() && { return std::move(*m_value); }
    const T& operator*() const& { return *m_value; }
    T& operator*() & { return *m_value; }
    const T* operator->() const { return &*m_value; }
    T* operator->() { return &*m_value; }
    const QString& error() const { return m_error; }

private:
    struct Error { QString message; };
    explicit Result(Error e) : m_error(std::move(e.message)) {}
    std::optional<T> m_value;
    QString m_error;
};

// Result<void>: success or an error message.
class Status {
public:
    Status() = default;
    static Status success() { return Status(); }
    static Status failure(QString message) { Status s; s.m_failed = true; s.m_error = std::move(message); return s; }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QString& error() const { return m_error; }

private:
    bool m_failed = false;
    QString m_error;
};

} // namespace socketscope
