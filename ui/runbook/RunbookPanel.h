// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The "Runbook" tab: the steps of a runbook as a checklist with state icons and words, buttons to
// run a step, run all, dry run and roll back, the live output, the diff before a change (in a
// confirmation dialog: a decision), and the audit trail. The engine runs on its own worker
// thread in core; this panel only drives it and renders what it reports.

#include "FeaturePanel.h"
#include "profiles/Profile.h"
#include "runbook/ConfigFixer.h"
#include "runbook/RunState.h"
#include "runbook/RunbookEngine.h"

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QTreeWidget;

namespace socketscope {

class Banner;
class ConfigFixer;
class RunbookConfirmDialog;
class RunbookEngine;
class SshPromptRelay;
struct Runbook;

class RunbookPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit RunbookPanel(AppContext& context, QWidget* parent = nullptr);
    ~RunbookPanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Runbook"); }

    // Test seams: where run state is kept, and which fixer plans the change (default: the product's).
    void setRunsDirectory(const QString& dir) { m_runsDir = dir; }
    void setFixerFactory(std::function<std::unique_ptr<ConfigFixer>()> factory) { m_fixerFactory = std::move(factory); }
    // Acts on this machine instead of over SSH (also a choice in the panel).
    void setActOnThisMachine(bool local);
    void setMonitorSeconds(int seconds);
    RunbookEngine* engine() const { return m_engine.get(); }
    RunbookConfirmDialog* confirmDialog() const { return m_confirm; }
    // A fix handed over from the Config tab for the site file fix.path of the current profile:
    // selects the runbook that applies it (nginx-websocket-fix), makes that path the file the next
    // run patches and shows the reviewed findings and the diff. The run still re-reads the file on
    // the server and plans the fix again — with the handed scope (the Config tab's endpoint and
    // the findings the user kept), so it plans the same findings, not the profile URL's.
    void takeHandedFix(const HandedFix& fix);
    // The scope the next run plans with when a fix was handed over.
    std::optional<FixScope> handedScope() const { return m_handedScope; }
    // The banner's text (what a failed run said, with its Edit links).
    QString bannerText() const;
    // The site file the next run patches ("" without a profile).
    QString siteFile() const { return m_profile ? m_profile->nginx.siteFile : QString(); }

signals:
    // An "Edit" link of an error or of the checklist: open the profile editor on this field
    // (its JSON key, "nginx.siteFile").
    void editProfileField(const QString& key);

private:
    // A failure in the editor's words (“Site file” on the nginx & logs tab, not nginx.siteFile),
    // with an Edit link per field it names (rich text).
    static QString failureHtml(const QString& message);
    // An "edit:KEY" link clicked in the checklist or the banner.
    void openEditLink(const QString& link);
    void buildUi();
    void reloadRunbooks();
    const Runbook* currentRunbook() const;
    bool ensureEngine(bool dryRun, bool fresh);
    // How the next engine reaches the server; over SSH its questions (unknown host key,
    // password, passphrase) open the same dialogs as the Logs tab.
    Result<HostFactory> makeHostFactory(const SecretBytes& sudoPassword);
    // Empties the sudo password field (profile switch, target change, end of every run).
    void forgetSudoPassword();
    // An engine for the profile with the panel's target, sudo field and runs directory, wired to
    // the panel; nullptr (and the reason in the banner) when the target cannot be reached.
    std::unique_ptr<RunbookEngine> createEngine(const Runbook& runbook, EngineOptions options);
    // Ends the engine; a question it is waiting on is refused first, so this never blocks.
    void dropEngine();
    void wireEngine(RunbookEngine* engine);
    void onRunAll();
    void onRunStep();
    void onDryRun();
    void onRollback();
    void onStepState(int index, StepState state, const QString& message);
    void onOutput(int index, const QString& text);
    void onConfirmation(int index, const QString& title, const QString& details);
    void onFinished(bool ok, const QString& summary);
    void onBusy(bool busy);
    void resetChecklist();
    void refreshAudit();
    // An error (red) or news and instructions (neutral): "press Run all", "select a profile".
    void showBanner(const QString& text, bool error);
    // A result in green: what happened, never what to do next (that goes to showBanner).
    void showResult(const QString& text);
    void updateButtons();
    void updateSudoField();
    int nextStep() const;

    std::optional<Profile> m_profile;
    std::unique_ptr<RunbookEngine> m_engine;
    std::shared_ptr<SshPromptRelay> m_prompts; // the current engine's SSH questions
    bool m_engineDry = false;
    QString m_runsDir;
    std::function<std::unique_ptr<ConfigFixer>()> m_fixerFactory;
    std::optional<FixScope> m_handedScope; // from the Config tab, until another profile is selected
    QList<Runbook>* m_runbooks = nullptr;

    QComboBox* m_runbookCombo = nullptr;
    QComboBox* m_targetCombo = nullptr;
    QLineEdit* m_sudoEdit = nullptr;
    QSpinBox* m_monitorSpin = nullptr;
    QPushButton* m_runStepButton = nullptr;
    QPushButton* m_runAllButton = nullptr;
    QPushButton* m_dryRunButton = nullptr;
    QPushButton* m_rollbackButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_checklist = nullptr;
    Banner* m_banner = nullptr;
    QLabel* m_runLabel = nullptr;
    QTreeWidget* m_steps = nullptr;
    QTabWidget* m_tabs = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QTableWidget* m_audit = nullptr;
    RunbookConfirmDialog* m_confirm = nullptr;
};

} // namespace socketscope
