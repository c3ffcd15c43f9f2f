using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using Sdk.Runtime.Backends;

namespace Sdk.Runtime;

/// <summary>
/// The pipelined executor behind <see cref="Model.RunPipelined(ReadOnlySpan{float}, int, Span{float}, PipelineOptions)"/>:
/// one worker thread per chip walks the micro-batches in order; for each it runs the chip's layers in plan
/// order, takes the cut tensors it reads from per-cut mailboxes (waiting until the sender has posted that
/// micro-batch) and posts its own cuts right after their source layer. A mailbox is a ring of
/// <see cref="PipelineOptions.MaxInFlight"/> pooled byte arrays (one micro-batch of wire bytes each), one
/// producer and one consumer, both in micro-batch order: micro-batch k uses slot k mod depth, the sender waits
/// while the slot still holds micro-batch k - depth. The worker threads are started by the first run and live
/// until the model is disposed (so their kernel scratch buffers are allocated once); the mailboxes live as long
/// as the model, or until another micro-batch size or depth is asked for. After the first run of a size, a run
/// allocates only its small bookkeeping (the run state and the returned statistics), nothing per micro-batch.
/// </summary>
internal sealed unsafe class PipelineEngine : IDisposable
{
    private readonly NetworkPlan _plan;
    private readonly InferenceExecutor[] _executors;
    private readonly CutTransport _transport;
    private readonly TrafficLedger _ledger;
    private readonly ChipSchedule[] _schedules;
    private readonly int[] _cutLink; // directed ledger link of each cut
    private readonly LinkInfo?[] _declared; // declared link of each cut, or null
    private readonly int _outputLayer;
    private readonly int _inputElements;
    private readonly int _outputElements;
    private readonly object _signal = new();
    private Mailbox[] _mailboxes = Array.Empty<Mailbox>();
    private int _mailboxMicroBatch;
    private int _mailboxDepth;
    private Thread[]? _threads;
    private RunState? _run; // the run in progress, handed to the workers
    private int _generation; // incremented per run; a worker runs each generation once
    private int _running; // workers that have not finished the current run
    private bool _stopping;

    public PipelineEngine(NetworkPlan plan, InferenceExecutor[] executors, CutTransport transport)
    {
        _plan = plan;
        _executors = executors;
        _transport = transport;
        var ledger = _ledger = transport.Ledger;
        _outputLayer = plan.Layers.Count - 1;
        _inputElements = (int)Shapes.Elements(plan.InputShape);
        _outputElements = (int)Shapes.Elements(plan.Layers[_outputLayer].OutputShape);
        _schedules = Enumerable.Range(0, executors.Length).Select(c => ChipSchedule.Create(plan, c)).ToArray();
        _cutLink = plan.Cuts
            .Select(c => ledger.Links.Select((l, i) => (l, i)).First(p => p.l.FromChip == c.FromChip && p.l.ToChip == c.ToChip).i)
            .ToArray();
        _declared = plan.Cuts.Select(c => plan.Links.FirstOrDefault(l => l.Connects(c.FromChip, c.ToChip))).ToArray();
    }

    /// <summary>Runs a batch; the caller holds the model's lock and has validated the arguments.</summary>
    public PipelineRunStats Run(ReadOnlySpan<float> input, int batch, Span<float> output, PipelineOptions options)
    {
        var micro = options.MicroBatch;
        var count = (batch + micro - 1) / micro;
        EnsureMailboxes(micro, options.MaxInFlight);
        foreach (var mailbox in _mailboxes)
        {
            mailbox.Reset();
        }

        var run = new RunState(this, batch, micro, count, options.Links == LinkEmulation.Modelled);
        EnsureThreads();
        var start = Stopwatch.GetTimestamp();
        fixed (float* inputPointer = input)
        fixed (float* outputPointer = output)
        {
            run.Input = inputPointer;
            run.Output = outputPointer;
            lock (_signal)
            {
                _run = run;
                _running = _executors.Length;
                _generation++;
                Monitor.PulseAll(_signal);

                // The pointers stay pinned until every worker has finished, whatever happened.
                while (_running > 0)
                {
                    Monitor.Wait(_signal);
                }

                _run = null;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        if (run.Failure is { } failure)
        {
            // Say which micro-batches are in the output and which are not, beside the cause.
            throw new PipelineRunException(_plan.Name, run.FailedChip, run.FailedMicroBatch, count, run.Completed, Math.Min(batch, run.Completed * micro), batch, failure.SourceException);
        }

        return new PipelineRunStats(
            batch,
            micro,
            count,
            options.MaxInFlight,
            options.Links,
            elapsed,
            run.Chips.Select((t, c) => new PipelineChipStats(
                c,
                Stopwatch.GetElapsedTime(0, t.Compute),
                Stopwatch.GetElapsedTime(0, t.Send),
                Stopwatch.GetElapsedTime(0, t.Receive),
                Stopwatch.GetElapsedTime(0, t.Wait))).ToArray());
    }

    /// <summary>Stops the worker threads (the model is being disposed; no run is in progress).</summary>
    public void Dispose()
    {
        Thread[]? threads;
        lock (_signal)
        {
            _stopping = true;
            threads = _threads;
            Monitor.PulseAll(_signal);
        }

        foreach (var thread in threads ?? Array.Empty<Thread>())
        {
            thread.Join();
        }
    }

    private void EnsureThreads()
    {
        if (_threads is not null)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_stopping, this);
        var threads = new Thread[_executors.Length];
        for (var c = 0; c < threads.Length; c++)
        {
            var worker = new ChipWorker(this, c);
            threads[c] = new Thread(worker.Loop) { IsBackground = true, Name = $"Sdk.Pipeline.Chip{c}" };
        }

        _threads = threads;
        foreach (var thread in threads)
        {
            thread.Start();
        }
    }

    private void EnsureMailboxes(int micro, int depth)
    {
        if (_mailboxMicroBatch == micro && _mailboxDepth == depth && _mailboxes.Length == _plan.Cuts.Count)
        {
            return;
        }

        _mailboxes = Array.Empty<Mailbox>(); // let the old ones go before allocating the new ones
        _mailboxes = _plan.Cuts.Select(c => new Mailbox(depth, _transport.Capacity(c.Index, CutDirection.Forward, micro))).ToArray();
        _mailboxMicroBatch = micro;
        _mailboxDepth = depth;
    }

    /// <summary>Waits until <see cref="Stopwatch.GetTimestamp"/> reaches <paramref name="timestamp"/>: sleeps while more than 2 ms remain, then yields.</summary>
    private static void WaitUntil(long timestamp)
    {
        while (true)
        {
            var left = timestamp - Stopwatch.GetTimestamp();
            if (left <= 0)
            {
                return;
            }

            var milliseconds = left * 1000 / Stopwatch.Frequency;
            if (milliseconds >= 2)
            {
                Thread.Sleep((int)Math.Min(milliseconds - 1, int.MaxValue));
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>Stopwatch ticks of the modelled time, rounded up and one TimeSpan tick more, so a held transfer measures at least its modelled time.</summary>
    private static long HoldTicks(LinkInfo link, long bytes)
    {
        var modelled = Link.ModelledTime(link, bytes).Ticks + 1;
        return (long)Math.Ceiling(modelled * (double)Stopwatch.Frequency / TimeSpan.TicksPerSecond);
    }

    /// <summary>What one chip does per micro-batch, in plan order: resolved once per model.</summary>
    private sealed class ChipSchedule
    {
        private ChipSchedule(bool readsInput, bool writesOutput, Step[] steps)
        {
            ReadsInput = readsInput;
            WritesOutput = writesOutput;
            Steps = steps;
        }

        public bool ReadsInput { get; }

        public bool WritesOutput { get; }

        public Step[] Steps { get; }

        public static ChipSchedule Create(NetworkPlan plan, int chip)
        {
            var received = new bool[plan.Cuts.Count];
            var steps = plan.Layers
                .Where(l => l.Chip == chip)
                .Select(layer =>
                {
                    // Receive each incoming cut right before the first layer on this chip that reads it.
                    var receive = plan.Cuts
                        .Where(c => c.ToChip == chip && !received[c.Index] && layer.Inputs.Contains(c.SourceLayer))
                        .Select(c => c.Index)
                        .ToArray();
                    foreach (var cut in receive)
                    {
                        received[cut] = true;
                    }

                    var send = plan.Cuts.Where(c => c.SourceLayer == layer.Index).Select(c => c.Index).ToArray();
                    return new Step(layer.Index, receive, send);
                })
                .ToArray();
            return new ChipSchedule(
                plan.Layers.Any(l => l.Chip == chip && l.Inputs.Contains(-1)),
                plan.Output.Chip == chip,
                steps);
        }
    }

    private sealed record Step(int Layer, int[] Receive, int[] Send);

    /// <summary>Host time one chip's worker spent, in Stopwatch ticks.</summary>
    private sealed class ChipTicks
    {
        public long Compute;
        public long Send;
        public long Receive;
        public long Wait;
    }

    /// <summary>The shared state of one run.</summary>
    private sealed class RunState
    {
        private ExceptionDispatchInfo? _failure;
        private volatile bool _aborted;

        public RunState(PipelineEngine engine, int batch, int micro, int count, bool emulate)
        {
            Engine = engine;
            Batch = batch;
            Micro = micro;
            Count = count;
            Emulate = emulate;
            LinkFreeAt = new long[engine._ledger.Links.Count];
            Chips = engine._executors.Select(_ => new ChipTicks()).ToArray();
        }

        public PipelineEngine Engine { get; }

        public int Batch { get; }

        public int Micro { get; }

        public int Count { get; }

        public bool Emulate { get; }

        /// <summary>Per directed link: when its last emulated transfer arrives (written only by the link's sending chip).</summary>
        public long[] LinkFreeAt { get; }

        public ChipTicks[] Chips { get; }

        public float* Input { get; set; }

        public float* Output { get; set; }

        public bool Aborted => _aborted;

        public ExceptionDispatchInfo? Failure => _failure;

        /// <summary>Micro-batches whose output the output chip has written (in order).</summary>
        public int Completed;

        /// <summary>The chip, and its micro-batch, that failed first.</summary>
        public int FailedChip { get; private set; } = -1;

        public int FailedMicroBatch { get; private set; } = -1;

        /// <summary>Records the first failure and wakes every waiting worker, which then stops.</summary>
        public void Fail(Exception exception, int chip, int microBatch)
        {
            if (Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(exception), null) is null)
            {
                FailedChip = chip;
                FailedMicroBatch = microBatch;
            }

            _aborted = true;
            foreach (var mailbox in Engine._mailboxes)
            {
                mailbox.Abort();
            }
        }
    }

    /// <summary>One chip's worker thread: runs the chip's share of every run, until the model is disposed.</summary>
    private sealed class ChipWorker
    {
        private readonly PipelineEngine _engine;
        private readonly int _chip;
        private int _microBatch; // the one in progress, for the failure report

        public ChipWorker(PipelineEngine engine, int chip)
        {
            _engine = engine;
            _chip = chip;
        }

        public void Loop()
        {
            var engine = _engine;
            var seen = 0;
            while (true)
            {
                RunState run;
                lock (engine._signal)
                {
                    while (engine._generation == seen && !engine._stopping)
                    {
                        Monitor.Wait(engine._signal);
                    }

                    if (engine._stopping)
                    {
                        return;
                    }

                    seen = engine._generation;
                    run = engine._run!;
                }

                try
                {
                    RunChip(run);
                }
                catch (Exception exception)
                {
                    run.Fail(exception, _chip, _microBatch);
                }

                lock (engine._signal)
                {
                    if (--engine._running == 0)
                    {
                        Monitor.PulseAll(engine._signal);
                    }
                }
            }
        }

        private void RunChip(RunState run)
        {
            var engine = _engine;
            var executor = engine._executors[_chip];
            var schedule = engine._schedules[_chip];
            var mailboxes = engine._mailboxes;
            var ticks = run.Chips[_chip];
            executor.BindToCurrentThread();
            for (var k = 0; k < run.Count; k++)
            {
                _microBatch = k;
                var first = k * run.Micro;
                var samples = Math.Min(run.Micro, run.Batch - first);
                executor.Prepare(samples);
                if (schedule.ReadsInput)
                {
                    var t = Stopwatch.GetTimestamp();
                    executor.WriteInput(new ReadOnlySpan<float>(run.Input + ((long)first * engine._inputElements), samples * engine._inputElements));
                    ticks.Compute += Stopwatch.GetTimestamp() - t;
                }

                foreach (var step in schedule.Steps)
                {
                    foreach (var cut in step.Receive)
                    {
                        var mailbox = mailboxes[cut];
                        var waitStart = Stopwatch.GetTimestamp();
                        if (!mailbox.WaitPosted(k))
                        {
                            return; // aborted
                        }

                        var slot = k % mailbox.Depth;
                        if (run.Emulate)
                        {
                            WaitUntil(mailbox.ArrivesAt[slot]);
                        }

                        var receiveStart = Stopwatch.GetTimestamp();
                        ticks.Wait += receiveStart - waitStart;

                        // A pipelined transfer lasts from the start of packing to the end of unpacking.
                        var packet = mailbox.Packets[slot];
                        engine._transport.Unpack(packet, samples, executor, mailbox.Slots[slot].AsSpan(0, packet.Bytes));
                        ticks.Receive += Stopwatch.GetTimestamp() - receiveStart;
                        mailbox.Release(k);
                    }

                    var computeStart = Stopwatch.GetTimestamp();
                    executor.Compute(step.Layer);
                    ticks.Compute += Stopwatch.GetTimestamp() - computeStart;

                    foreach (var cut in step.Send)
                    {
                        var mailbox = mailboxes[cut];
                        var waitStart = Stopwatch.GetTimestamp();
                        if (!mailbox.WaitFree(k))
                        {
                            return; // aborted
                        }

                        var slot = k % mailbox.Depth;
                        var sendStart = Stopwatch.GetTimestamp();
                        ticks.Wait += sendStart - waitStart;
                        var packet = engine._transport.Pack(cut, CutDirection.Forward, executor, mailbox.Slots[slot], sendStart);
                        var packed = Stopwatch.GetTimestamp();
                        ticks.Send += packed - sendStart;
                        var arrives = packed;
                        if (run.Emulate && engine._declared[cut] is { } link)
                        {
                            var l = engine._cutLink[cut];
                            arrives = Math.Max(packed, run.LinkFreeAt[l]) + HoldTicks(link, packet.Bytes);
                            run.LinkFreeAt[l] = arrives;
                        }

                        mailbox.Post(k, packet, arrives);
                    }
                }

                if (schedule.WritesOutput)
                {
                    var t = Stopwatch.GetTimestamp();
                    executor.ReadOutput(engine._outputLayer, new Span<float>(run.Output + ((long)first * engine._outputElements), samples * engine._outputElements));
                    ticks.Compute += Stopwatch.GetTimestamp() - t;
                    engine._ledger.CountForward(samples);
                    Volatile.Write(ref run.Completed, k + 1);
                }

                if (run.Aborted)
                {
                    return;
                }
            }

            executor.Synchronize();
        }
    }

    /// <summary>
    /// The mailbox of one cut: <see cref="Depth"/> pooled slots of one micro-batch of wire bytes, one sender
    /// and one receiver, both in micro-batch order.
    /// </summary>
    private sealed class Mailbox
    {
        private readonly object _gate = new();
        private int _posted; // micro-batches posted so far
        private int _released; // micro-batches received and released so far
        private bool _aborted;

        public Mailbox(int depth, int bytes)
        {
            Depth = depth;
            Slots = Enumerable.Range(0, depth).Select(_ => new byte[bytes]).ToArray();
            Packets = new CutTransport.Packet[depth];
            ArrivesAt = new long[depth];
        }

        public int Depth { get; }

        public byte[][] Slots { get; }

        /// <summary>What the sender packed into each slot (its bytes, when it started).</summary>
        public CutTransport.Packet[] Packets { get; }

        /// <summary>When the micro-batch in each slot may be unpacked (link emulation).</summary>
        public long[] ArrivesAt { get; }

        public void Reset()
        {
            lock (_gate)
            {
                _posted = 0;
                _released = 0;
                _aborted = false;
            }
        }

        /// <summary>Sender: waits until micro-batch <paramref name="k"/>'s slot is free; false when the run was aborted.</summary>
        public bool WaitFree(int k)
        {
            lock (_gate)
            {
                while (k - _released >= Depth && !_aborted)
                {
                    Monitor.Wait(_gate);
                }

                return !_aborted;
            }
        }

        /// <summary>Sender: micro-batch <paramref name="k"/> is in its slot.</summary>
        public void Post(int k, CutTransport.Packet packet, long arrivesAt)
        {
            var slot = k % Depth;
            lock (_gate)
            {
                Packets[slot] = packet;
                ArrivesAt[slot] = arrivesAt;
                _posted = k + 1;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Receiver: waits until micro-batch <paramref name="k"/> is posted; false when the run was aborted.</summary>
        public bool WaitPosted(int k)
        {
            lock (_gate)
            {
                while (_posted <= k && !_aborted)
                {
                    Monitor.Wait(_gate);
                }

                return !_aborted;
            }
        }

        /// <summary>Receiver: done with micro-batch <paramref name="k"/>; its slot may be reused.</summary>
        public void Release(int k)
        {
            lock (_gate)
            {
                _released = k + 1;
                Monitor.PulseAll(_gate);
            }
        }

        public void Abort()
        {
            lock (_gate)
            {
                _aborted = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
