// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The one conversation with sudo that every transport (LocalHost's processes, SSH exec
// channels) holds, so that no command ever receives bytes meant for sudo:
//   sudo -k -S -p PROMPT /bin/sh -c 'echo MARKER >&2; exec /bin/sh -c "$1"' socketscope-sudo CMD
// (or `sudo -n …` when the account needs no password). PROMPT is unique per call (not secret):
// the password is written only when sudo prints it, so a NOPASSWD rule never gets one. MARKER
// is printed by the elevated shell before CMD starts: only then is CMD's own stdin sent.
// The transport feeds what the process writes and does what feed() answers.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace socketscope {

class SudoHandshake {
public:
    enum class Mode {
        Password,   // -k -S -p PROMPT: answers a prompt with the password (if any)
        NoPassword, // -n: never sends a password; sudo fails if it would need one
    };
    enum class Next {
        Wait,          // nothing to do yet: keep reading
        SendPassword,  // sudo asks: write the password and '\n' (once)
        Ready,         // the command runs: send its stdin now; see earlyStdout()/earlyStderr()
        WrongPassword, // sudo asked again or said so: stop (close stdin, end the process)
    };

    explicit SudoHandshake(Mode mode);

    Mode mode() const { return m_mode; }
    // The program and its arguments that run `command` (a /bin/sh command line) through sudo.
    QStringList argv(const QString& command) const;
    // The same as one shell command line (for an SSH exec channel).
    QString shellLine(const QString& command) const;

    // Feeds what the process wrote since the last call; answers what to do next.
    Next feed(const QByteArray& stdOut, const QByteArray& stdErr);
    // After Ready: what the process wrote before the command started (sudo's lecture, ...),
    // without the prompt and the marker line.
    QByteArray earlyStdout() const { return m_out; }
    QByteArray earlyStderr() const { return m_err; }
    // When the process ended before Ready: sudo's own words, for the error message.
    QString refusal() const;
    int passwordsSent() const { return m_passwordsSent; }

    // The prefix of every marker (tests check that it never reaches a user).
    static QByteArray markerPrefix() { return QByteArrayLiteral("SOCKETSCOPE_SUDO_"); }

private:
    Mode m_mode;
    QByteArray m_prompt;
    QByteArray m_marker;
    QByteArray m_out, m_err;
    int m_passwordsSent = 0;
    bool m_ready = false;
};

} // namespace socketscope
