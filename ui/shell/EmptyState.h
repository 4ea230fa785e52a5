#pragma once

#include <QString>

class QAbstractItemView;

namespace ops {

// A sentence shown in an empty list or table instead of blank white ("All clear: nothing
// firing", "No workflows yet: Launch workflow…"). Follows the view's model (rows inserted or
// removed, reset, another model set); the text can be changed later by calling again.
void setEmptyText(QAbstractItemView* view, const QString& text);
// The sentence shown now (empty when the view has rows or none was set).
QString emptyTextShown(const QAbstractItemView* view);

} // namespace ops
