import Dispatch
import Logging
import NewsIngestSystem
import ServiceLifecycle

/// The daemon's timers: `STATUS=` (and `WATCHDOG=1` once the writer answers) to systemd every status
/// interval, and the daily pass that forgets what was not seen for `state.forget_after_days`. It shuts down
/// after the pipeline has drained, so the watchdog is fed while it does.
struct StatusService: Service {
    let pipeline: IngestPipeline
    let state: StateStore
    let notifier: SystemdNotifier
    let logger: Logger
    /// Counts for `STATUS=`.
    let statusLine: @Sendable () -> String
    /// The queue the timers run on.
    let queue: DispatchQueue
    /// Where the state forgets, away from the signals and the status.
    let upkeep: DispatchQueue

    /// Seconds between two passes forgetting what was not seen for `state.forget_after_days`: at start, then
    /// daily. A content or a link past its time counts as forgotten at once; a pass frees its rows.
    static let forgetInterval = 86_400

    func run() async throws {
        var timers: [any DispatchSourceTimer] = []
        let status = DispatchSource.makeTimerSource(queue: queue)
        // STATUS= every 10 s, or at the watchdog's pace when that is faster.
        let microseconds = min(notifier.watchdogIntervalMicroseconds ?? 10_000_000, 10_000_000)
        let interval = DispatchTimeInterval.microseconds(Int(max(10_000, microseconds)))
        status.schedule(deadline: .now() + interval, repeating: interval)
        status.setEventHandler { @Sendable [self] in tick() }
        status.resume()
        timers.append(status)
        if state.forgetAfterDays > 0 {
            let forgetting = DispatchSource.makeTimerSource(queue: upkeep)
            forgetting.schedule(deadline: .now(), repeating: .seconds(Self.forgetInterval))
            forgetting.setEventHandler { @Sendable [self] in forgetUnseen() }
            forgetting.resume()
            timers.append(forgetting)
        }
        try? await gracefulShutdown()
        for timer in timers { timer.cancel() }
    }

    /// Every status interval: `STATUS=` with counts, and `WATCHDOG=1` only once the writer has answered, so a
    /// stuck pipeline stops the pings and systemd restarts the service.
    private func tick() {
        notifier.notify("STATUS=\(statusLine())")
        guard notifier.watchdogIntervalMicroseconds != nil else { return }
        pipeline.heartbeat { @Sendable [notifier] in notifier.notify("WATCHDOG=1") }
    }

    /// Forgets the contents and index links not seen for `state.forget_after_days` days, saying how many.
    private func forgetUnseen() {
        do {
            let forgotten = try state.forgetUnseen()
            guard forgotten.contents + forgotten.links > 0 else { return }
            logger.info(
                "forgot contents and index links not seen for state.forget_after_days",
                metadata: [
                    "contents": "\(forgotten.contents)", "links": "\(forgotten.links)",
                    "days": "\(state.forgetAfterDays)",
                ])
        } catch {
            logger.error(
                "could not forget what was not seen for state.forget_after_days; trying again in a day",
                metadata: ["error": "\(error)"])
        }
    }
}
