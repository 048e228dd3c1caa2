// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace socketscope {

class ProbeMatrix;
struct Profile;

// "Where does it break?": renders a ProbeMatrix (core) as a table with the verdict and the faulty
// hop's advice beside it. One click (or Ctrl+Shift+R) runs every hop.
class MatrixView : public QWidget {
    Q_OBJECT
public:
    explicit MatrixView(ProbeMatrix* matrix, QWidget* parent = nullptr);
    // Rebuilds the rows for a profile (nullptr: empty).
    void setProfile(const Profile* profile);
    // Runs the matrix for the current profile.
    void run();
    QTableWidget* table() const { return m_table; }
    QString verdictText() const;

private:
    void refreshRow(int row);
    void refreshAll();
    void refreshVerdict();

    ProbeMatrix* m_matrix;
    const Profile* m_profile = nullptr;
    QLineEdit* m_secondProxy = nullptr;
    QDoubleSpinBox* m_hold = nullptr;
    QPushButton* m_run = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_verdict = nullptr;
    QLabel* m_advice = nullptr;
};

} // namespace socketscope
