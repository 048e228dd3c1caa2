// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/SecretBytes.h"

#include "core/ProcessHardening.h"

#include <cstring>
#include <utility>

namespace socketscope {

namespace {

void wipe(char* p, qsizetype n)
{
    volatile char* v = p;
    for (qsizetype i = 0; i < n; ++i)
        v[i] = 0;
}

} // namespace

void wipeSecret(QByteArray& secret)
{
    if (secret.isEmpty())
        return;
    if (!secret.isDetached()) {
        secret = QByteArray();
        return;
    }
    wipe(secret.data(), secret.size());
    secret.clear();
}

SecretBytes::SecretBytes(QByteArrayView bytes)
{
    assign(bytes);
}

SecretBytes SecretBytes::take(QByteArray& source)
{
    SecretBytes s(source);
    wipeSecret(source);
    return s;
}

SecretBytes::SecretBytes(const SecretBytes& other)
{
    assign(other.view());
}

SecretBytes& SecretBytes::operator=(const SecretBytes& other)
{
    if (this != &other) {
        SecretBytes copy(other);
        *this = std::move(copy);
    }
    return *this;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
      m_locked(std::exchange(other.m_locked, false))
{
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
        m_locked = std::exchange(other.m_locked, false);
    }
    return *this;
}

SecretBytes::~SecretBytes()
{
    clear();
}

SecretBytes SecretBytes::withSuffix(char c) const
{
    SecretBytes s;
    s.m_data = new char[size_t(m_size) + 1];
    s.m_size = m_size + 1;
    s.m_locked = ProcessHardening::lockMemory(s.m_data, size_t(s.m_size));
    if (m_size > 0)
        std::memcpy(s.m_data, m_data, size_t(m_size));
    s.m_data[m_size] = c;
    return s;
}

void SecretBytes::clear()
{
    if (!m_data)
        return;
    wipe(m_data, m_size);
    if (m_locked)
        ProcessHardening::unlockMemory(m_data, size_t(m_size));
    delete[] m_data;
    m_data = nullptr;
    m_size = 0;
    m_locked = false;
}

void SecretBytes::assign(QByteArrayView bytes)
{
    clear();
    if (bytes.isEmpty())
        return;
    m_data = new char[size_t(bytes.size())];
    m_size = bytes.size();
    m_locked = ProcessHardening::lockMemory(m_data, size_t(m_size));
    std::memcpy(m_data, bytes.data(), size_t(m_size));
}

} // namespace socketscope
