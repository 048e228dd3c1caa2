// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The audit trail of a runbook run: JSON Lines, one event per line (time with UTC offset,
// profile, step, command, exit status, output excerpt, file checksums before/after). Every
// string goes through the Redactor first: secrets are removed by value and by pattern.

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>

namespace socketscope {

class Redactor {
public:
    // Remembers a secret value (e.g. the sudo password); it is replaced wherever it appears.
    void addSecret(QByteArrayView secret);
    // Removes known secrets and password-looking fragments ("password=…", "Authorization: …").
    QString redact(const QString& text) const;
    // Redacts a byte stream that arrives in chunks: complete lines are redacted and returned,
    // the unfinished line is held back (a secret or "password=…" split across two chunks is
    // caught); a line longer than 64 KiB is released except for a tail as long as the longest
    // secret. finish() releases the rest. One Stream per stream (stdout, stderr) of a command.
    class Stream {
    public:
        explicit Stream(const Redactor& redactor) : m_redactor(redactor) {}
        QString push(const QByteArray& chunk);
        QString finish();

    private:
        const Redactor& m_redactor;
        QByteArray m_pending;
    };
    qsizetype longestSecret() const;
    void clear();

private:
    QList<QString> m_secrets;
};

struct AuditEvent {
    QString step;            // step id, or "" for run-level events
    QString event;           // "run", "step", "command", "file", "confirm", "probe", "note"
    QString message;
    QString command;         // shell command as sent (never contains a secret)
    std::optional<int> exitStatus;
    QString output;          // excerpt (first/last bytes) of stdout+stderr
    QString path;
    QString checksumBefore;  // sha256 hex
    QString checksumAfter;
    QJsonObject extra;       // anything else worth keeping (probe cause, backup path, …)
};

class AuditTrail {
public:
    AuditTrail() = default;
    // Opens (appends to) the file. extraCopy: a second file receiving the same lines (--audit).
    Status open(const QString& path, const QString& runId, const QString& profile, const QString& runbook,
                const QString& extraCopy = {});
    QString path() const { return m_path; }
    Redactor& redactor() { return m_redactor; }
    // Appends one line (thread-safe); the line is flushed to disk before returning.
    void append(const AuditEvent& e);
    // The lines of an audit file, parsed (for the GUI's audit view).
    static QList<QJsonObject> read(const QString& path);
    // Output excerpt: at most maxChars, keeping the start and the end.
    static QString excerpt(const QByteArray& output, int maxChars = 2000);

private:
    QString m_path, m_extraCopy, m_runId, m_profile, m_runbook;
    Redactor m_redactor;
    QMutex m_mutex;
};

// Current local time as ISO 8601 with milliseconds and the UTC offset ("2026-01-28T10:01:49.123+00:00").
QString isoNowWithOffset();

} // namespace socketscope
