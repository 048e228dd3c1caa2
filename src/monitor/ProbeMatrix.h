// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"
#include "profiles/Profile.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

namespace socketscope {

class ProbeLauncher;

// One path to the service the matrix probes ("hop").
struct MatrixHop {
    QString id;        // "direct", "proxy_http", "proxy_tls", "proxy2"
    QString label;     // as the Overview shows it (hopTitle()): "direct  10.0.0.5:7687", "public  example.com:443"
    QString url;
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

// "Where does it break?": probes every hop a profile names (direct upstream, public URL, an
// optional second proxy URL) in parallel, with an idle hold, and names the hop
// that fails. Columns: DNS, TCP, TLS (cert expiry days), upgrade, echo, idle hold, verdict.
class ProbeMatrix : public QObject {
    Q_OBJECT
public:
    enum Column { Hop, Dns, Tcp, Tls, Upgrade, Echo, Hold, Verdict, ColumnCount };

    explicit ProbeMatrix(ProbeLauncher* launcher, QObject* parent = nullptr);
    ~ProbeMatrix() override;
    // The hops a profile names: its direct URL, its public URL (named as the Overview names them,
    // probeHopsFor()), and an optional second proxy URL. Never a hop the profile does not name.
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
    Profile m_profile; // what setProfile() was given: the advice is filtered by its stack
    QList<MatrixRow> m_rows;
    QList<quint64> m_probeIds; // per row, 0 when not running
    double m_holdS = 5;
};

} // namespace socketscope
