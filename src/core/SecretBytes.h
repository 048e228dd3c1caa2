// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace socketscope {

// Overwrites a secret's bytes with zeros before it is released, then clears it. A buffer shared
// with other QByteArrays is only released (wiping it would detach and copy the secret first).
void wipeSecret(QByteArray& secret);

// Owns one secret (a password, a passphrase) in its own storage: locked in RAM where the
// platform allows (mlock), overwritten with zeros when replaced or destroyed. Copies are deep
// (each wipes its own storage), so no implicitly shared buffer can survive a wipe and no
// `fill` can detach and wipe a copy instead of the original.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArrayView bytes);
    // Takes the bytes of `source` and wipes `source` (see wipeSecret for a shared buffer).
    static SecretBytes take(QByteArray& source);
    SecretBytes(const SecretBytes& other);
    SecretBytes& operator=(const SecretBytes& other);
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    ~SecretBytes();

    bool isEmpty() const { return m_size == 0; }
    qsizetype size() const { return m_size; }
    // The bytes; valid until this object is changed or destroyed. Never null.
    const char* constData() const { return m_data ? m_data : ""; }
    QByteArrayView view() const { return QByteArrayView(constData(), m_size); }
    // The secret followed by one byte (e.g. '\n' for a line on stdin), in new owned storage.
    SecretBytes withSuffix(char c) const;
    // True when the storage is locked in RAM (never written to swap).
    bool isLocked() const { return m_locked; }
    void clear();

    bool operator==(const SecretBytes& other) const { return view() == other.view(); }

private:
    void assign(QByteArrayView bytes);

    char* m_data = nullptr;
    qsizetype m_size = 0;
    bool m_locked = false;
};

} // namespace socketscope
