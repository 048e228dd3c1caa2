// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

namespace socketscope {

class ProbeLauncher;
struct Profile;

// One path to the service the matrix probes ("hop").
struct MatrixHop {
    QString id;        // "direct", "proxy_http", "proxy_tls", "proxy2"
    QString label;     // "direct :7687", "proxy ws :80", "proxy wss :443", "second proxy"
    QString url;
    bool derived = false; // built from another URL (http<->tls variant), not named by the profile
};

struct MatrixRow {
    MatrixHop hop;
    enum class Status { Pending, Running, Done } status = Status::Pending;
    ProbeResult result;
};

// The verdict over the matrix: which hop breaks, and what to do.
struct MatrixVerdict {
    int faultyRow = -1;     // -1: no faulty hop
    QString state;          // "ok", "degraded", "down", "unknown"
    QString sentence;       // one line for the header
    QStringList advice;     // the faulty hop's advice
};

// "Where does it break?": probes every hop a profile knows (direct upstream, the proxy over HTTP
// and over TLS, an optional second proxy URL) in parallel, with an idle hold, and names the hop
// that fails. Columns: DNS, TCP, TLS (cert expiry days), upgrade, echo, idle hold, verdict.
class ProbeMatrix : public QObject {
    Q_OBJECT
public:
    enum Column { Hop, Dns, Tcp, Tls, Upgrade, Echo, Hold, Verdict, ColumnCount };

    explicit ProbeMatrix(ProbeLauncher* launcher, QObject* parent = nullptr);
    ~ProbeMatrix() override;
    // The hops a profile knows: its direct URL, its public URL and the other scheme's variant of it
    // (ws <-> wss on the default port), and an optional second proxy URL.
    static QList<MatrixHop> hopsFor(const Profile& profile, const QString& secondProxyUrl = {});
    // Sets the rows (cancels a running matrix) and the options every probe shares.
    void setProfile(const Profile& profile, const QString& secondProxyUrl = {});
    void setHops(const QList<MatrixHop>& hops, const ProbeOptions& base);
    // Seconds each probe stays idle after its echo to see whether the hop drops idle connections.
    void setHoldSeconds(double s) { m_holdS = s; }
    double holdSeconds() const { return m_holdS; }
    // Starts every row at once; finished() follows when all are done.
    void run();
    void cancel();
    bool isRunning() const;
    const QList<MatrixRow>& rows() const { return m_rows; }
    static QString columnTitle(int column);
    // The text of one cell ("0.4", "3.1 (89 d)", "101", "✗ 3.0 s", ...); "—" when not applicable.
    QString cellText(int row, int column) const;
    // True when the cell shows a failure.
    bool cellFailed(int row, int column) const;
    MatrixVerdict verdict() const;
    // {"hops": [{id, label, url, cause, ok, cells: {...}, result: {...}}], "verdict": {...}}
    QJsonObject toJson() const;
    // A Markdown table with the verdict underneath.
    QString toMarkdown() const;

signals:
    void rowChanged(int row);
    void finished();

private:
    void onFinished(quint64 id, const ProbeResult& result);

    QPointer<ProbeLauncher> m_launcher;
    ProbeOptions m_base;
    QList<MatrixRow> m_rows;
    QList<quint64> m_probeIds; // per row, 0 when not running
    double m_holdS = 5;
};

} // namespace socketscope
