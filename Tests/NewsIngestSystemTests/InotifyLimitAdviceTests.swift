import Glibc
import NewsIngestSystem
import Testing

@Suite struct InotifyLimitAdviceTests {
    @Test func theLimitsOfWatchesAndInstancesAreNamed() {
        let watches = Inotify.limitAdvice(
            for: SystemCallError(call: "inotify_add_watch", subject: "/in", errno: ENOSPC))
        #expect(watches?.contains("fs.inotify.max_user_watches") == true)
        let instances = Inotify.limitAdvice(for: SystemCallError(call: "inotify_init1", errno: EMFILE))
        #expect(instances?.contains("fs.inotify.max_user_instances") == true)
    }

    @Test func otherFailuresHaveNoAdvice() {
        #expect(
            Inotify.limitAdvice(for: SystemCallError(call: "inotify_add_watch", subject: "/in", errno: EACCES)) == nil)
        #expect(Inotify.limitAdvice(for: SystemCallError(call: "open", subject: "/in", errno: ENOSPC)) == nil)
    }
}
