using System;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Which CPU a thread runs on, and a one-off move of the calling thread off a CPU (Linux; elsewhere nothing).
    /// </summary>
    /// <remarks>
    /// Why: a worker woken by the caller can be placed on the caller's own CPU (Linux places a woken thread near its
    /// waker when it judges that cheaper, more readily where no other CPU shares the waker's last-level cache, as on a VM
    /// that reports no L3), where it runs only when the caller yields, so the caller runs the job's tasks nearly alone
    /// until the load balancer moves one of them, several calls later. On the 2-vCPU development VM (Zen 5, no L3
    /// reported) the Fashion CNN at batch 32, after 300 ms pauses, ran 17 of 40 rounds of calls at 1.1-1.4 ms instead of
    /// 0.8 ms, each slow call with the worker on the caller's CPU; with the move, none of 40 (one move per round, at its
    /// first call).
    /// </remarks>
    internal static unsafe partial class ThreadPlacement
    {
        /// <summary>Words of the CPU mask passed to the kernel: 1024 CPUs, glibc's cpu_set_t.</summary>
        private const int MaskWords = 16;

        private static bool s_available = OperatingSystem.IsLinux();

        /// <summary>The CPU the calling thread runs on, or -1 where that is not known.</summary>
        public static int CurrentCpu()
        {
            if (!s_available)
            {
                return -1;
            }

            try
            {
                return SchedGetCpu();
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_available = false;
                return -1;
            }
        }

        /// <summary>
        /// Moves the calling thread to another CPU its affinity allows, by allowing all but <paramref name="cpu"/> for a
        /// moment (the kernel migrates a thread at once when its CPU leaves its mask), then restores its mask unchanged,
        /// so the thread is not pinned. Returns false where it cannot (one CPU allowed, not Linux, a call failed).
        /// </summary>
        public static bool MoveOff(int cpu)
        {
            if (!s_available || cpu < 0 || cpu >= MaskWords * 64)
            {
                return false;
            }

            ulong* allowed = stackalloc ulong[MaskWords];
            ulong* others = stackalloc ulong[MaskWords];
            try
            {
                if (SchedGetAffinity(0, MaskWords * sizeof(ulong), allowed) != 0)
                {
                    return false;
                }

                bool any = false;
                for (int i = 0; i < MaskWords; i++)
                {
                    others[i] = allowed[i] & (i == cpu / 64 ? ~(1UL << (cpu % 64)) : ulong.MaxValue);
                    any |= others[i] != 0;
                }

                if (!any || SchedSetAffinity(0, MaskWords * sizeof(ulong), others) != 0)
                {
                    return false;
                }

                SchedSetAffinity(0, MaskWords * sizeof(ulong), allowed);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_available = false;
                return false;
            }
        }

        [LibraryImport("libc", EntryPoint = "sched_getcpu")]
        [SuppressGCTransition] // a vDSO read, called once per job by each thread: no blocking, no callbacks
        private static partial int SchedGetCpu();

        [LibraryImport("libc", EntryPoint = "sched_getaffinity")]
        private static partial int SchedGetAffinity(int pid, nuint size, ulong* mask);

        [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
        private static partial int SchedSetAffinity(int pid, nuint size, ulong* mask);
    }
}
