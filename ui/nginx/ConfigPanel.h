// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"
#include "nginx/ConfigAnalysis.h"
#include "runbook/ConfigFixer.h"

#include <QSet>

#include <QThread>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTreeWidget;
class QTreeWidgetItem;

namespace socketscope {

class ConfigCodeView;
class ConfigDiffView;

// The "Config" tab: open a local nginx/HAProxy file (or paste `nginx -T` output), see it with the
// findings marked in the margin, the list of findings (click → jump), and the fix as a
// side-by-side diff with Copy / Save as… / Hand to runbook. Parsing runs on a worker thread.
class ConfigPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit ConfigPanel(AppContext& context, QWidget* parent = nullptr);
    ~ConfigPanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Config"); }

    // Analyses a file on disk (asynchronously; analysisFinished() follows).
    void openFile(const QString& path);
    // Analyses pasted text: `nginx -T` output when it has "# configuration file" sections.
    void analyzeText(const QByteArray& text, const QString& name = QStringLiteral("<pasted>"));
    // The last report (empty before the first analysis).
    const nginx::ConfigReport& report() const { return m_report; }
    // Shows one file of the report (the main file by default) with its marks and its diff.
    void showFile(const QString& path);

signals:
    void analysisRequested(const socketscope::nginx::ConfigAnalysisRequest& request);
    void analysisFinished();
    // "Hand to runbook": the shown file, its fixed text and diff, the findings the user kept
    // checked and the scope (endpoint, rules, threshold) that produced them.
    void handToRunbook(const socketscope::HandedFix& fix);

private:
    void onReport(const nginx::ConfigReport& report);
    void reanalyze();
    nginx::ConfigAnalysisRequest baseRequest();
    void setBanner(const QString& word, const QColor& color, const QString& text);
    void copyFix();
    void saveFix();
    void emitHandToRunbook();
    QString shownPath() const;
    // A finding's check box changed: every finding of that rule follows, and the fix is rebuilt
    // with only the rules still checked.
    void onFindingChecked(QTreeWidgetItem* item);

    QThread m_thread;
    nginx::ConfigAnalysisWorker* m_worker = nullptr;
    quint64 m_lastId = 0;
    nginx::ConfigAnalysisRequest m_lastRequest;
    nginx::ConfigReport m_report;
    QSet<QString> m_leftOutRules;   // rules whose findings the user unchecked
    QStringList m_defaultRules;     // the rules the default fix addresses (last report without a selection)

    QComboBox* m_kindCombo = nullptr;
    QLineEdit* m_endpointEdit = nullptr;
    QSpinBox* m_thresholdSpin = nullptr;
    QLabel* m_banner = nullptr;
    QComboBox* m_fileCombo = nullptr;
    ConfigCodeView* m_code = nullptr;
    QTreeWidget* m_findings = nullptr;
    ConfigDiffView* m_diff = nullptr;
    QPushButton* m_copyButton = nullptr;
    QPushButton* m_saveButton = nullptr;
    QPushButton* m_runbookButton = nullptr;
};

} // namespace socketscope
