#include "ui/audit/UnrecordedAction.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

namespace ops {

bool confirmUnrecordedAction(QWidget* parent, const QString& problem, const QString& action)
{
    auto tr = [](const char* text) {
        return QCoreApplication::translate("UnrecordedAction", text);
    };
    QMessageBox box(QMessageBox::Warning, tr("Not recorded"),
                    tr("The audit log cannot be written: %1").arg(problem), QMessageBox::NoButton,
                    parent);
    box.setObjectName(QStringLiteral("unrecordedActionConfirmation"));
    box.setTextFormat(Qt::PlainText);
    box.setInformativeText(tr("%1 anyway? It will be recorded nowhere.").arg(action));
    QPushButton* go = box.addButton(tr("%1 unrecorded").arg(action), QMessageBox::AcceptRole);
    QPushButton* stop = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(stop);
    box.exec();
    return box.clickedButton() == go;
}

} // namespace ops
