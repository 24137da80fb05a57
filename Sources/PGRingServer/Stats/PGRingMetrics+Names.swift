import Prometheus

/// The metric names and help texts (the list in docs/monitoring.md). All start with `pgring_`.
/// Computed: `MetricNameDescriptor` is not Sendable, so it cannot be a stored static.
extension PGRingMetrics {
    static var clientConnectionsOpenedName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "client_connections_opened", unitName: "total",
            helpText: "Client connections accepted since start."
        )
    }
    static var clientConnectionsClosedName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "client_connections_closed", unitName: "total",
            helpText: "Client connections closed since start."
        )
    }
    static var receivedBytesName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "client_received_bytes", unitName: "total",
            helpText: "Bytes read from client connections."
        )
    }
    static var sentBytesName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "client_sent_bytes", unitName: "total",
            helpText: "Bytes written to client connections."
        )
    }
    static var routedName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "routed_statements", unitName: "total",
            helpText: "Statements routed, by outcome (by_key, by_hint, no_key_policy, default)."
        )
    }
    static var queriesName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "queries", unitName: "total",
            helpText: "Queries completed, by shard and role."
        )
    }
    static var transactionsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "transactions", unitName: "total",
            helpText: "Transactions completed, by shard and role."
        )
    }
    static var queryDurationName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "query_duration", unitName: "seconds",
            helpText: "Query latency seen by pgring, by shard and role."
        )
    }
    static var transactionDurationName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "transaction_duration", unitName: "seconds",
            helpText: "Transaction latency seen by pgring, by shard and role."
        )
    }
    static var poolWaitName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "pool_wait", unitName: "seconds",
            helpText: "Time clients waited for a server connection, by pool."
        )
    }
    static var errorsName: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "pgring", metricName: "client_errors", unitName: "total",
            helpText: "ErrorResponses sent to clients, by SQLSTATE class."
        )
    }
}
