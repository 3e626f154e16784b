import Collector

extension CLIFailure {
    /// A send that did not go through, with its exit status (docs/export.md#exit-status) and
    /// the fix to try.
    init(collector error: CollectorError) {
        switch error {
        case .settings:
            self.init(message: error.description, hint: "docs/export.md#sending-to-a-collector says what each setting takes")
        case .refused(_, let status, _):
            let hint: String
            switch status {
            case 404: hint = "--endpoint is a base URL (/v1/traces is appended); give the whole URL with --traces-endpoint"
            case 401, 403: hint = "the collector wants credentials: --header 'Authorization=…' (or OTEL_EXPORTER_OTLP_HEADERS with --send)"
            case 413: hint = "the export is larger than the collector takes in one request: raise its limit (max_request_body_size)"
            case 415: hint = "the collector does not take this encoding: try the other --otlp-protocol"
            case 300..<400: hint = "name the URL the collector moved to"
            default: hint = "the collector's message says what it objects to"
            }
            self.init(message: error.description, hint: hint, status: 4)
        case .unavailable(_, _, 0):
            // Nothing was sent: libcurl, which sending needs, could not be loaded.
            self.init(
                message: error.description, hint: "install libcurl (Debian: apt-get install libcurl4), then send again",
                status: 5)
        case .unavailable:
            self.init(
                message: error.description, hint: "check that the collector runs and listens there, then send again (--attempts, --timeout)",
                status: 5)
        }
    }
}
