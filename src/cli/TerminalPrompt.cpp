// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/TerminalPrompt.h"

#include "cli/CliContext.h"
#include "core/SecretBytes.h"

#include <cstdio>

#ifdef _WIN32
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

namespace socketscope::cli {

#ifdef _WIN32

std::optional<SecretBytes> promptHidden(const QString& prompt)
{
    HANDLE in = CreateFileW(L"CONIN$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                            OPEN_EXISTING, 0, nullptr);
    if (in == INVALID_HANDLE_VALUE)
        return std::nullopt;
    HANDLE out = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                             OPEN_EXISTING, 0, nullptr);
    DWORD mode = 0;
    const bool haveMode = GetConsoleMode(in, &mode);
    if (haveMode)
        SetConsoleMode(in, mode & ~DWORD(ENABLE_ECHO_INPUT));
    const std::wstring text = (prompt + QStringLiteral(": ")).toStdWString();
    DWORD written = 0;
    if (out != INVALID_HANDLE_VALUE)
        WriteConsoleW(out, text.c_str(), DWORD(text.size()), &written, nullptr);
    std::wstring line;
    wchar_t ch = 0;
    DWORD read = 0;
    while (ReadConsoleW(in, &ch, 1, &read, nullptr) && read == 1 && ch != L'\n')
        if (ch != L'\r')
            line.push_back(ch);
    if (haveMode)
        SetConsoleMode(in, mode);
    if (out != INVALID_HANDLE_VALUE) {
        WriteConsoleW(out, L"\r\n", 2, &written, nullptr);
        CloseHandle(out);
    }
    CloseHandle(in);
    QByteArray answer = QString::fromStdWString(line).toUtf8();
    std::fill(line.begin(), line.end(), L'\0');
    return SecretBytes::take(answer);
}

#else

std::optional<SecretBytes> promptHidden(const QString& prompt)
{
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty)
        return std::nullopt;
    const int fd = fileno(tty);
    termios old {};
    const bool haveTermios = tcgetattr(fd, &old) == 0;
    if (haveTermios) {
        termios noEcho = old;
        noEcho.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fd, TCSAFLUSH, &noEcho);
    }
    std::fputs(prompt.toLocal8Bit().constData(), tty);
    std::fputs(": ", tty);
    std::fflush(tty);
    QByteArray line;
    for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty))
        line.append(char(c));
    if (haveTermios)
        tcsetattr(fd, TCSAFLUSH, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    if (line.endsWith('\r'))
        line.chop(1);
    return SecretBytes::take(line);
}

#endif

SshCredentials sshCredentialsFromStdin(CliContext& ctx, bool loginPassword, bool sudoPassword)
{
    SshCredentials credentials;
    if (!loginPassword && !sudoPassword)
        return credentials;
    QByteArray all = ctx.readStdin();
    QList<QByteArray> lines = all.split('\n');
    wipeSecret(all);
    for (QByteArray& l : lines) {
        if (l.endsWith('\r'))
            l.chop(1);
    }
    if (loginPassword)
        credentials.password = SecretBytes(lines.value(0));
    if (sudoPassword)
        credentials.sudoPassword = SecretBytes(lines.value(loginPassword ? 1 : 0));
    for (QByteArray& l : lines)
        wipeSecret(l);
    return credentials;
}

SshPrompts terminalSshPrompts(bool acceptNewHostKey)
{
    SshPrompts prompts;
    if (acceptNewHostKey)
        prompts.hostKey = [](const HostKeyInfo&) { return HostKeyDecision::AcceptAndRemember; };
    prompts.secret = [](const SecretRequest& request) { return promptHidden(request.prompt); };
    return prompts;
}

} // namespace socketscope::cli
