#include "views/weightchange.h"

#include <QCoreApplication>

namespace hafront::views {

WeightChange::WeightChange(model::ClusterSession *session, QString pool, QString backend, uint32_t from, uint32_t to,
                           Report report)
    : m_session(session), m_pool(std::move(pool)), m_backend(std::move(backend)), m_from(from), m_to(to),
      m_report(std::move(report))
{
    setText(QCoreApplication::translate("WeightChange", "weight of %1/%2 %3 → %4")
                .arg(m_pool, m_backend)
                .arg(m_from)
                .arg(m_to));
}

void WeightChange::redo()
{
    apply(m_to);
}
void WeightChange::undo()
{
    apply(m_from);
}

void WeightChange::apply(uint32_t weight)
{
    const QString what =
        QCoreApplication::translate("WeightChange", "weight of %1/%2 set to %3").arg(m_pool, m_backend).arg(weight);
    m_session->send(m_session->model()->nodesRunningPool(m_pool), model::setWeightCommand(m_pool, m_backend, weight),
                    [report = m_report, what](const model::FanoutResult &r) { report(what, r); });
}

} // namespace hafront::views
