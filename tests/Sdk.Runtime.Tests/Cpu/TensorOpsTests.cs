using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Sdk.Runtime.Backends.Cpu;

namespace Sdk.Runtime.Tests.Cpu
{
    public class TensorOpsTests
    {
        [Fact]
        public void AddWithActivationAndBackward()
        {
            float[] a = TestUtil.Random(1000, 1), b = TestUtil.Random(1000, 2);
            var y = new float[1000];
            TensorOps.Add(a, b, y, Activation.Relu);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.Equal(Math.Max(0f, a[i] + b[i]), y[i]);
            }

            float[] dy = TestUtil.Random(1000, 3);
            var da = new float[1000];
            var db = TestUtil.Random(1000, 4);
            float[] db0 = (float[])db.Clone();
            TensorOps.AddBackward(dy, da, db, accumulate: false);
            Assert.Equal(dy, da);
            Assert.Equal(dy, db);
            TensorOps.AddBackward(dy, default, db0, accumulate: true);
            float[] r = TestUtil.Random(1000, 4);
            for (int i = 0; i < r.Length; i++)
            {
                Assert.Equal(r[i] + dy[i], db0[i]);
            }
        }

        [Fact]
        public void ConcatAndSplitAlongChannels()
        {
            int batch = 3, s = 5, c1 = 2, c2 = 4;
            float[] a = TestUtil.Random(batch * c1 * s, 1), b = TestUtil.Random(batch * c2 * s, 2);
            var y = new float[batch * (c1 + c2) * s];
            TensorOps.ConcatChannels(a, c1, y, c1 + c2, 0, batch, s);
            TensorOps.ConcatChannels(b, c2, y, c1 + c2, c1, batch, s);
            for (int n = 0; n < batch; n++)
            {
                for (int c = 0; c < c1 + c2; c++)
                {
                    for (int i = 0; i < s; i++)
                    {
                        float expected = c < c1 ? a[(((n * c1) + c) * s) + i] : b[(((n * c2) + c - c1) * s) + i];
                        Assert.Equal(expected, y[(((n * (c1 + c2)) + c) * s) + i]);
                    }
                }
            }

            var da = new float[a.Length];
            var db = new float[b.Length];
            TensorOps.SplitChannels(y, c1 + c2, 0, da, c1, batch, s);
            TensorOps.SplitChannels(y, c1 + c2, c1, db, c2, batch, s);
            Assert.Equal(a, da);
            Assert.Equal(b, db);
            Assert.Throws<ArgumentOutOfRangeException>(() => TensorOps.ConcatChannels(b, c2, y, c1 + c2, c1 + 1, batch, s));
        }
    }

    public class WorkerPoolTests
    {
        private unsafe struct CountJob : IParallelJob
        {
            public int* Hits;

            public void Execute(int task) => Interlocked.Increment(ref Hits[task]);
        }

        private unsafe struct NestedJob : IParallelJob
        {
            public int* Hits;
            public int* Nested;

            public void Execute(int task)
            {
                Hits[task]++;
                Assert.True(CpuWorkerPool.InParallelRegion);
                Assert.Equal(1, CpuWorkerPool.AvailableThreads);
                var inner = new CountJob { Hits = Nested + (task * 4) };
                CpuWorkerPool.Current.Run(ref inner, 4); // runs inline
            }
        }

        [Fact]
        public unsafe void WorkersStayAwakeForTheirIdleSpinThenSleep()
        {
            using var pool = new CpuWorkerPool(2);
            Assert.Equal(CpuWorkerPool.DefaultIdleSpin, pool.IdleSpin);
            Assert.Throws<ArgumentOutOfRangeException>(() => pool.IdleSpin = TimeSpan.FromTicks(-1));
            var hits = new int[2];
            fixed (int* h = hits)
            {
                // A long budget: 100 ms after a job the worker is still awake, yielding between checks.
                pool.IdleSpin = TimeSpan.FromSeconds(30);
                var job = new CountJob { Hits = h };
                pool.Run(ref job, 2);
                Thread.Sleep(100);
                Assert.Equal(0, pool.SleepingWorkers);

                // No budget: once it has seen that job, the worker goes to sleep (within the fine spin of 50 µs; the
                // generous limit only covers a machine too busy to schedule it).
                pool.IdleSpin = TimeSpan.Zero;
                job = new CountJob { Hits = h };
                pool.Run(ref job, 2);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (pool.SleepingWorkers == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
                {
                    Thread.Sleep(1);
                }

                Assert.Equal(1, pool.SleepingWorkers);

                // A sleeping worker is woken by the next job; every task still runs once.
                job = new CountJob { Hits = h };
                pool.Run(ref job, 2);
            }

            Assert.All(hits, v => Assert.Equal(3, v));
        }

        [Fact]
        public unsafe void EveryTaskRunsExactlyOnce()
        {
            using var pool = new CpuWorkerPool(3);
            var hits = new int[1000];
            fixed (int* h = hits)
            {
                for (int round = 0; round < 50; round++)
                {
                    var job = new CountJob { Hits = h };
                    pool.Run(ref job, round * 20);
                }
            }

            for (int t = 0; t < hits.Length; t++)
            {
                Assert.Equal(Math.Max(0, 49 - (t / 20)), hits[t]);
            }
        }

        [Theory]
        [InlineData(2, 1)]
        [InlineData(3, 2)]
        [InlineData(4, 3)]
        [InlineData(4, 7)]
        [InlineData(3, 1001)]
        public unsafe void EveryTaskRunsOnceWithRaggedRanges(int threads, int tasks)
        {
            // Fewer tasks than threads (some threads have no range) and counts that do not divide into equal ranges.
            using var pool = new CpuWorkerPool(threads);
            var hits = new int[tasks];
            fixed (int* h = hits)
            {
                for (int round = 0; round < 20; round++)
                {
                    var job = new CountJob { Hits = h };
                    pool.Run(ref job, tasks);
                }
            }

            Assert.All(hits, v => Assert.Equal(20, v));
        }

        private unsafe struct StallJob : IParallelJob
        {
            public int* Hits;
            public int* Done;
            public int* WorkerStalled;
            public int* GaveUp;
            public int Tasks;
            public int CallerThread;

            public void Execute(int task)
            {
                if (Environment.CurrentManagedThreadId != CallerThread)
                {
                    // A task on the worker waits until every other task is done: the caller must take over the
                    // rest of the worker's range (a pool that ran only its own range would never finish).
                    Volatile.Write(ref *WorkerStalled, 1);
                    Wait(ref *Done, Tasks - 1);
                }
                else if (task == 0)
                {
                    // The caller's first task waits for the worker to be stalled, so every round exercises the takeover.
                    Wait(ref *WorkerStalled, 1);
                }

                Interlocked.Increment(ref Hits[task]);
                Interlocked.Increment(ref *Done);
            }

            private readonly void Wait(ref int value, int atLeast)
            {
                var deadline = DateTime.UtcNow.AddSeconds(20); // a guard against hanging the suite, not a timing
                while (Volatile.Read(ref value) < atLeast)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        *GaveUp = 1;
                        return;
                    }

                    Thread.Yield();
                }
            }
        }

        [Fact]
        public unsafe void TheCallerTakesOverAStalledWorkersRange()
        {
            using var pool = new CpuWorkerPool(2);
            for (int round = 0; round < 20; round++)
            {
                var hits = new int[10];
                int done = 0, stalled = 0, gaveUp = 0;
                fixed (int* h = hits)
                {
                    var job = new StallJob { Hits = h, Done = &done, WorkerStalled = &stalled, GaveUp = &gaveUp, Tasks = hits.Length, CallerThread = Environment.CurrentManagedThreadId };
                    pool.Run(ref job, hits.Length);
                }

                Assert.All(hits, v => Assert.Equal(1, v));
                Assert.Equal(1, stalled); // the worker took a task of its range and stalled in it
                Assert.Equal(0, gaveUp);  // both waits ended on their condition: the caller ran the rest of the worker's range
            }
        }

        [Fact]
        public unsafe void NestedJobsRunInline()
        {
            using var pool = new CpuWorkerPool(2);
            var hits = new int[16];
            var nested = new int[64];
            fixed (int* h = hits)
            fixed (int* n = nested)
            {
                CpuWorkerPool.MakeCurrent(pool);
                try
                {
                    var job = new NestedJob { Hits = h, Nested = n };
                    pool.Run(ref job, 16);
                }
                finally
                {
                    CpuWorkerPool.MakeCurrent(null);
                }
            }

            Assert.All(hits, v => Assert.Equal(1, v));
            Assert.All(nested, v => Assert.Equal(1, v));
        }

        /// <summary>
        /// A worker that finds itself on its caller's CPU moves off it (<see cref="ThreadPlacement.MoveOff"/>): the
        /// thread ends up on another CPU and its allowed CPUs, read back from procfs, are what they were: moved, not pinned.
        /// </summary>
        [Fact]
        public void MovingOffACpuLeavesTheThreadUnpinned()
        {
            Exception? failure = null;
            var thread = new Thread(() =>
            {
                try
                {
                    CheckMoveOff();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
            Assert.Null(failure);
        }

        private static void CheckMoveOff()
        {
            int cpu = ThreadPlacement.CurrentCpu();
            if (!OperatingSystem.IsLinux())
            {
                Assert.Equal(-1, cpu);
                Assert.False(ThreadPlacement.MoveOff(0));
                return;
            }

            string before = AllowedCpus();
            Assert.InRange(cpu, 0, 1023);
            bool others = ExpandCpuList(before).Any(c => c != cpu);
            Assert.Equal(others, ThreadPlacement.MoveOff(cpu));
            if (others)
            {
                Assert.NotEqual(cpu, ThreadPlacement.CurrentCpu());
            }

            Assert.Equal(before, AllowedCpus());
            Assert.False(ThreadPlacement.MoveOff(-1));
        }

        /// <summary>The calling thread's allowed CPUs as the kernel lists them ("0-1").</summary>
        private static string AllowedCpus() =>
            File.ReadAllLines("/proc/thread-self/status").Single(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal)).Split(':')[1].Trim();

        private static IEnumerable<int> ExpandCpuList(string list) =>
            list.Split(',').SelectMany(part =>
            {
                var ends = part.Split('-').Select(int.Parse).ToArray();
                return Enumerable.Range(ends[0], ends[^1] - ends[0] + 1);
            });

        [Fact]
        public unsafe void ConcurrentCallersAreSafe()
        {
            using var pool = new CpuWorkerPool(2);
            var results = new int[4][];
            Parallel.For(0, 4, caller =>
            {
                var hits = new int[100];
                fixed (int* h = hits)
                {
                    for (int r = 0; r < 200; r++)
                    {
                        var job = new CountJob { Hits = h };
                        pool.Run(ref job, 100);
                    }
                }

                results[caller] = hits;
            });
            foreach (int[] hits in results)
            {
                Assert.All(hits, v => Assert.Equal(200, v));
            }
        }
    }
}
