// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/SudoHandshake.h"

#include <QRandomGenerator>

namespace socketscope {

namespace {

QString quoted(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

} // namespace

SudoHandshake::SudoHandshake(Mode mode) : m_mode(mode)
{
    const QByteArray tag = markerPrefix() + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    m_marker = tag + "_OK";
    m_prompt = tag + "_PASSWORD:";
}

QStringList SudoHandshake::argv(const QString& command) const
{
    QStringList a{QStringLiteral("sudo")};
    if (m_mode == Mode::NoPassword)
        a << QStringLiteral("-n");
    else
        a << QStringLiteral("-k") << QStringLiteral("-S") << QStringLiteral("-p") << QString::fromLatin1(m_prompt);
    // The marker goes to stderr from the elevated shell, then that shell becomes the command.
    a << QStringLiteral("/bin/sh") << QStringLiteral("-c")
      << QStringLiteral("echo %1 >&2; exec /bin/sh -c \"$1\"").arg(QString::fromLatin1(m_marker))
      << QStringLiteral("socketscope-sudo") << command;
    return a;
}

QString SudoHandshake::shellLine(const QString& command) const
{
    QStringList words;
    for (const QString& w : argv(command))
        words << quoted(w);
    return words.join(QLatin1Char(' '));
}

SudoHandshake::Next SudoHandshake::feed(const QByteArray& stdOut, const QByteArray& stdErr)
{
    if (m_ready)
        return Next::Ready;
    m_out += stdOut;
    m_err += stdErr;
    if (m_mode == Mode::Password && m_err.contains(m_prompt)) {
        m_err.replace(m_prompt, QByteArray());
        if (m_passwordsSent > 0)
            return Next::WrongPassword; // asked again
        ++m_passwordsSent;
        return Next::SendPassword;
    }
    const qsizetype at = m_err.indexOf(m_marker);
    if (at >= 0) {
        const qsizetype end = m_err.indexOf('\n', at);
        if (end < 0)
            return Next::Wait;
        m_err = m_err.left(at) + m_err.mid(end + 1);
        m_ready = true;
        return Next::Ready;
    }
    if (m_err.contains("Sorry, try again") || m_err.contains("incorrect password"))
        return Next::WrongPassword;
    return Next::Wait;
}

QString SudoHandshake::refusal() const
{
    const QString msg = QString::fromUtf8(m_err).trimmed();
    return msg.isEmpty() ? QStringLiteral("no reason given") : msg;
}

} // namespace socketscope
