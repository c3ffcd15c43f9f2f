using System;
using System.Diagnostics;
using System.Threading;
using System.Runtime.CompilerServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// A small persistent pool of worker threads that the CPU kernels split their work over.
    /// </summary>
    /// <remarks>
    /// Why not <c>Parallel.For</c>: it allocates (closures, loop state, tasks) on every call and its
    /// thread-pool injection heuristics add jitter to kernels that last tens of microseconds. This pool
    /// keeps <see cref="ThreadCount"/> − 1 dedicated threads; the calling thread always takes part.
    /// A job is a function pointer, a pointer to an unmanaged context struct on the caller's stack, and a
    /// task count. Thread t (the caller is 0) first claims the tasks of its own range, the t-th of
    /// <see cref="ThreadCount"/> equal consecutive ranges, then claims what is left of the others' (so a core
    /// that another process steals does not stall the job): the kernels number their tasks in data order
    /// (samples, rows, channels), so a thread mostly reads what it wrote in the layer before. Nothing is
    /// allocated per job.
    /// <para>
    /// Nested use runs inline: a task that calls another kernel runs that kernel's tasks serially on its
    /// own thread. Concurrent use from two outside threads is safe: the one that finds the pool busy runs
    /// its job serially on its own thread.
    /// </para>
    /// Tasks must not throw (kernels validate arguments before they start a job); an exception thrown by a
    /// task on a worker thread terminates the process, like any unhandled exception on a thread.
    /// </remarks>
    public sealed unsafe class CpuWorkerPool : IDisposable
    {
        private static readonly Lazy<CpuWorkerPool> s_shared = new(() => new CpuWorkerPool(Environment.ProcessorCount));

        [ThreadStatic] private static CpuWorkerPool? t_current;
        [ThreadStatic] private static int t_depth;

        private readonly Thread[] _threads;
        private readonly object _runLock = new();
        private readonly object _sleepLock = new();

        // The job being run; written by the owner of _runLock only while no worker is inside (see Run).
        private delegate*<void*, int, void> _body;
        private void* _context;
        private int _taskCount;
        private int _callerCpu; // where the caller runs the job, -1 if unknown (ThreadPlacement)
        private volatile bool _cannotMove; // a move failed (one CPU allowed, say): stop trying

        private readonly int[] _claims; // the next task of each range, ClaimStride apart (a cache line each)
        private int _ranges;
        private int _doneTasks;
        private int _open;
        private int _busy;
        private int _generation;
        private int _sleepers;
        private long _idleSpinTicks = TimeToTicks(DefaultIdleSpin);
        private volatile bool _disposed;

        /// <summary>Creates a pool that runs jobs on <paramref name="threadCount"/> threads (the caller included).</summary>
        public CpuWorkerPool(int threadCount)
        {
            if (threadCount < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(threadCount), threadCount, "A pool needs at least one thread.");
            }

            ThreadCount = threadCount;
            _threads = new Thread[threadCount - 1];
            _claims = new int[(threadCount + 1) * ClaimStride];
            for (int i = 0; i < _threads.Length; i++)
            {
                int self = i + 1;
                _threads[i] = new Thread(() => WorkerLoop(self))
                {
                    IsBackground = true,
                    Name = "Sdk.Cpu.Worker" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                _threads[i].Start();
            }
        }

        /// <summary>The process-wide pool with one thread per logical processor.</summary>
        public static CpuWorkerPool Shared => s_shared.Value;

        /// <summary>
        /// The pool the kernels on this thread use: the one set with <see cref="MakeCurrent"/>, else <see cref="Shared"/>.
        /// </summary>
        public static CpuWorkerPool Current => t_current ?? Shared;

        /// <summary>The default of <see cref="IdleSpin"/>.</summary>
        public static readonly TimeSpan DefaultIdleSpin = TimeSpan.FromMilliseconds(5);

        /// <summary>
        /// How long a worker stays awake after a job, yielding its core between checks for the next one, before it sleeps
        /// (<see cref="DefaultIdleSpin"/> by default; zero to sleep after a few tens of microseconds). A sleeping worker
        /// takes tens of microseconds to milliseconds to wake, and until it does the caller runs its tasks too, so calls
        /// that come a few milliseconds apart would run on one thread. While it waits the worker yields to any other
        /// runnable thread, but an otherwise idle core stays busy: set it lower to save power between sporadic calls.
        /// </summary>
        public TimeSpan IdleSpin
        {
            get => TimeSpan.FromSeconds((double)Volatile.Read(ref _idleSpinTicks) / Stopwatch.Frequency);
            set
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
                Volatile.Write(ref _idleSpinTicks, TimeToTicks(value));
            }
        }

        private static long TimeToTicks(TimeSpan time) => (long)(time.TotalSeconds * Stopwatch.Frequency);

        /// <summary>Workers asleep right now, waiting for a job to wake them (for tests).</summary>
        internal int SleepingWorkers => Volatile.Read(ref _sleepers);

        /// <summary>Threads that execute a job, the calling thread included.</summary>
        public int ThreadCount { get; }

        /// <summary>True on a thread that is executing a task of some pool (nested jobs then run inline).</summary>
        public static bool InParallelRegion => t_depth > 0;

        /// <summary>
        /// The threads a kernel started on this thread may use right now: 1 inside a parallel region, else
        /// <see cref="ThreadCount"/> of <see cref="Current"/>.
        /// </summary>
        public static int AvailableThreads => t_depth > 0 ? 1 : Current.ThreadCount;

        /// <summary>
        /// Makes this pool the one kernels use on the calling thread (for example one pool per CPU chip).
        /// Pass <c>null</c> to go back to <see cref="Shared"/>.
        /// </summary>
        public static void MakeCurrent(CpuWorkerPool? pool) => t_current = pool;

        /// <summary>
        /// Runs <paramref name="body"/>(context, task) for task = 0..taskCount-1 on the pool's threads and
        /// returns when all have finished. <paramref name="context"/> must stay valid until then (a pointer to a
        /// local of the caller is the intended use).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(delegate*<void*, int, void> body, void* context, int taskCount)
        {
            if (taskCount <= 0)
            {
                return;
            }

            if (taskCount == 1 || _threads.Length == 0 || t_depth > 0 || _disposed || !Monitor.TryEnter(_runLock))
            {
                RunInline(body, context, taskCount);
                return;
            }

            try
            {
                // No worker is inside the previous job any more (the previous Run waited for _busy == 0),
                // so the job fields can be written safely.
                _body = body;
                _context = context;
                _taskCount = taskCount;
                _ranges = Math.Min(ThreadCount, taskCount);
                for (int r = 0; r < _ranges; r++)
                {
                    _claims[(r + 1) * ClaimStride] = RangeStart(r, taskCount, _ranges);
                }

                _doneTasks = 0;
                _callerCpu = ThreadPlacement.CurrentCpu();
                Volatile.Write(ref _open, 1);
                Interlocked.Increment(ref _generation);
                if (Volatile.Read(ref _sleepers) > 0)
                {
                    lock (_sleepLock)
                    {
                        Monitor.PulseAll(_sleepLock);
                    }
                }

                t_depth++;
                try
                {
                    ExecuteTasks(0);
                }
                finally
                {
                    t_depth--;
                }

                var wait = default(Waiter);
                while (Volatile.Read(ref _doneTasks) < taskCount)
                {
                    wait.Once();
                }

                // Close the job, then wait for workers that joined late to leave before the fields may change.
                Interlocked.Exchange(ref _open, 0);
                wait = default;
                while (Volatile.Read(ref _busy) != 0)
                {
                    wait.Once();
                }
            }
            finally
            {
                Monitor.Exit(_runLock);
            }
        }

        /// <summary>Runs a job described by an unmanaged struct that implements <see cref="IParallelJob"/>.</summary>
        public void Run<TJob>(ref TJob job, int taskCount)
            where TJob : unmanaged, IParallelJob
        {
            fixed (TJob* p = &job)
            {
                Run(&Invoke<TJob>, p, taskCount);
            }
        }

        private static void Invoke<TJob>(void* context, int task)
            where TJob : unmanaged, IParallelJob
            => ((TJob*)context)->Execute(task);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void RunInline(delegate*<void*, int, void> body, void* context, int taskCount)
        {
            t_depth++;
            try
            {
                for (int i = 0; i < taskCount; i++)
                {
                    body(context, i);
                }
            }
            finally
            {
                t_depth--;
            }
        }

        /// <summary>Ints between two ranges' claim counters: 128 bytes, so no two share a cache line or its prefetched pair.</summary>
        private const int ClaimStride = 32;

        /// <summary>The first task of <paramref name="range"/> of <paramref name="ranges"/> equal consecutive ranges of <paramref name="count"/> tasks.</summary>
        private static int RangeStart(int range, int count, int ranges) => (int)((long)range * count / ranges);

        /// <summary>
        /// Runs tasks until none is left: first those of this thread's range, then the rest of the others'. Why ranges
        /// instead of one shared counter: on the development VM a core reads data the other core wrote at about 8 GB/s
        /// against 70 GB/s for its own (256 KiB: 31 against 3.7 µs), and with one counter a task's data came from either
        /// core at random. Measured alternately in one process (Zen 5, 2 threads): ResNet-18 1.053x at batch 1 and 1.059x
        /// at 32, the Fashion CNN 1.034x at 32, 1.00x at batch 1.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ExecuteTasks(int self)
        {
            int count = _taskCount, ranges = _ranges;
            delegate*<void*, int, void> body = _body;
            void* context = _context;
            for (int k = 0; k < ranges; k++)
            {
                int range = (self + k) % ranges, end = RangeStart(range + 1, count, ranges);
                ref int claim = ref _claims[(range + 1) * ClaimStride];
                while (true)
                {
                    int task = Interlocked.Increment(ref claim) - 1;
                    if (task >= end)
                    {
                        break;
                    }

                    body(context, task);
                    Interlocked.Increment(ref _doneTasks);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void WorkerLoop(int self)
        {
            int seen = Volatile.Read(ref _generation);
            while (true)
            {
                // Wait for the next job: check after every pause for FineSpinMicroseconds (the layers of a call follow
                // each other closely), then yield the core between checks until IdleSpin has passed (another runnable
                // thread gets the core; an idle one comes straight back, so a job is seen within microseconds), then sleep.
                int gen = Volatile.Read(ref _generation);
                long start = Stopwatch.GetTimestamp();
                long fineUntil = start + (Stopwatch.Frequency * FineSpinMicroseconds / 1_000_000);
                long yieldUntil = start + Volatile.Read(ref _idleSpinTicks);
                while (gen == seen && !_disposed)
                {
                    long now = Stopwatch.GetTimestamp();
                    if (now < fineUntil)
                    {
                        Thread.SpinWait(1);
                    }
                    else if (now < yieldUntil)
                    {
                        Thread.Yield();
                    }
                    else
                    {
                        break;
                    }

                    gen = Volatile.Read(ref _generation);
                }

                if (gen == seen)
                {
                    lock (_sleepLock)
                    {
                        Interlocked.Increment(ref _sleepers);
                        while ((gen = Volatile.Read(ref _generation)) == seen && !_disposed)
                        {
                            Monitor.Wait(_sleepLock);
                        }

                        Interlocked.Decrement(ref _sleepers);
                    }
                }

                if (_disposed)
                {
                    return;
                }

                seen = gen;
                Interlocked.Increment(ref _busy);
                if (Volatile.Read(ref _open) == 1 && Volatile.Read(ref _generation) == gen)
                {
                    // A worker on the caller's CPU would run only when the caller yields: move to another one.
                    int cpu = _callerCpu;
                    if (cpu >= 0 && !_cannotMove && ThreadPlacement.CurrentCpu() == cpu && !ThreadPlacement.MoveOff(cpu))
                    {
                        _cannotMove = true;
                    }

                    t_depth++;
                    ExecuteTasks(self);
                    t_depth--;
                }

                Interlocked.Decrement(ref _busy);
            }
        }

        /// <summary>
        /// One step of the caller's busy waits (for the last worker's task, for late workers to leave): for the first
        /// <see cref="FineSpinMicroseconds"/> a single pause between checks, so a wait ends within a fraction of a
        /// microsecond of its condition; then <see cref="SpinWait"/>'s backoff, whose pauses double up to tens of
        /// microseconds. A worker waiting for the next job does not back off so (<see cref="WorkerLoop"/>): a job that
        /// came during one of those pauses was left to the caller.
        /// </summary>
        private struct Waiter
        {
            private long _fineUntil;
            private SpinWait _spin;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void Once()
            {
                long now = Stopwatch.GetTimestamp();
                if (_fineUntil == 0)
                {
                    _fineUntil = now + (Stopwatch.Frequency * FineSpinMicroseconds / 1_000_000);
                }

                if (now < _fineUntil)
                {
                    Thread.SpinWait(1);
                    return;
                }

                _spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        /// <summary>
        /// How long a wait checks its condition after every pause before it backs off. Measured on the Fashion CNN at batch
        /// 1 (five jobs of 4-25 µs per call), alternately in one process: 64.4 µs per call with the backoff alone, 51.0
        /// with it; batch 32 and ResNet-18 unchanged (Zen 5, AVX-512).
        /// </summary>
        private const long FineSpinMicroseconds = 50;

        /// <summary>Stops the worker threads (jobs started afterwards run on the caller's thread).</summary>
        public void Dispose()
        {
            if (ReferenceEquals(this, s_shared.IsValueCreated ? s_shared.Value : null))
            {
                return; // The shared pool lives as long as the process.
            }

            _disposed = true;
            lock (_sleepLock)
            {
                Monitor.PulseAll(_sleepLock);
            }
        }
    }

    /// <summary>A job for <see cref="CpuWorkerPool.Run{TJob}(ref TJob, int)"/>: an unmanaged struct of pointers and sizes.</summary>
    public interface IParallelJob
    {
        /// <summary>Executes task number <paramref name="task"/>; tasks of one job may run concurrently.</summary>
        void Execute(int task);
    }
}
