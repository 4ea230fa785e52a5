#pragma once

#include <QString>

class QWidget;

namespace ops {

// An action that changes the platform is audited; when the audit log cannot be written
// (`problem` says why), the operator decides: true = go on unrecorded. Cancel is the default.
// The box is named "unrecordedActionConfirmation" (tests find it by that name).
bool confirmUnrecordedAction(QWidget* parent, const QString& problem, const QString& action);

} // namespace ops
