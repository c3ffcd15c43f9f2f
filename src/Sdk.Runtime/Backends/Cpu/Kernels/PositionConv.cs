using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// Convolution as an indirect GEMM over output positions: a register tile is MR output positions x NR output
    /// channels (<see cref="RowConv"/>'s tile transposed), 6 x 16 on AVX2 (two ymm per position) and 8 x 32 on
    /// AVX-512 (two zmm per position, <see cref="Kernel512"/>). Each position reads kernel tap k as one scalar at its
    /// own base + the tap's offset in the task's zero-padded input (a broadcast, which never straddles a cache line),
    /// and the weights are packed once as NR-channel slivers over the whole depth, 64-byte aligned (two aligned vector
    /// loads per tap). Positions run over the flattened output map, across row ends, so a 14-wide row wastes no tile
    /// columns (RowConv fills 14 of 16), and any stride or dilation works. Tiles land in [position][channel] order in
    /// the task's scratch (L1) and are transposed to NCHW in 8x8 register blocks.
    /// </summary>
    internal static unsafe partial class PositionConv
    {
        /// <summary>Output channels of an AVX2 tile: two ymm vectors (<see cref="CpuGemmTarget.Vector256"/>'s PositionsNR).</summary>
        public const int NR = 16;

        /// <summary>Output positions of an AVX2 tile: 12 accumulators, 2 weight vectors, one broadcast in flight.</summary>
        public const int MR = 6;

        /// <summary>
        /// Positions one task computes (a multiple of both kernels' MR and of 8): its tile buffer, 15 KiB on AVX2 and
        /// 30 KiB on AVX-512, stays in L1 (32 KiB on Zen 3, 48 KiB on Zen 4/5). The compiler core's model splits by it.
        /// </summary>
        private const int MaxPositionsPerTask = CpuConvModel.PositionsPerTask;

        /// <summary>
        /// Output channels of a tile for the plan's kernel. Whether this kernel runs at all is the compiler core's choice
        /// (<see cref="CpuConvModel.Algorithm"/>, which <see cref="ConvPlan"/> takes as it is): the AVX2 or AVX-512 GEMM
        /// kernel, output channels filling 3/4 of these, a window larger than 1x1; below a depth of 32, maps of at least
        /// 100 positions and (AVX2) a shape indirect rows do not take.
        /// </summary>
        public static int Channels(GemmKernel kernel) => kernel == GemmKernel.Vector512x8x32 ? Kernel512.NR : NR;

        /// <summary>Output positions of a tile for the plan's kernel.</summary>
        public static int Positions(GemmKernel kernel) => kernel == GemmKernel.Vector512x8x32 ? Kernel512.MR : MR;

        /// <summary>Floats of the packed weights of one group: NR-channel slivers, channels past MG zero.</summary>
        public static long PackedPerGroup(in ConvGeometry g, GemmKernel kernel) => (long)RoundUp(g.MG, Channels(kernel)) * g.KG;

        /// <summary>Floats of one task's padded input: the group's planes of one sample (no over-read: positions are clamped).</summary>
        public static long ScratchLength(in ConvGeometry g) => (long)g.CG * g.PaddedHeight * g.PaddedWidth;

        /// <summary>
        /// Whether tasks of whole samples read the input where it is instead of copying it into scratch: no padding,
        /// every row and column read, and one group (so several samples' planes lie one scratch length apart, as in
        /// scratch). A layer whose producer writes its output with the zero border already in place runs so (the CPU
        /// executor's padded hand-off). Tasks of part of a sample (a batch too small for the threads) still copy it: each
        /// reads planes the other threads wrote, better streamed once than fetched from the other core inside the
        /// micro-kernel's loop.
        /// </summary>
        public static bool ReadsInPlace(in ConvGeometry g) =>
            g.PT == 0 && g.PL == 0 && g.PaddedHeight == g.H && g.PaddedWidth == g.W && g.G == 1;

        /// <summary>Packs each group's weights [MG x KG] as k-major slivers of NR output channels.</summary>
        public static void PackWeights(in ConvGeometry g, GemmKernel kernel, float* w, float* dst)
        {
            int mg = g.MG, kg = g.KG, nr = Channels(kernel);
            long perGroup = PackedPerGroup(g, kernel);
            for (int grp = 0; grp < g.G; grp++)
            {
                float* wg = w + ((long)grp * mg * kg);
                float* d = dst + (grp * perGroup);
                for (int m0 = 0; m0 < mg; m0 += nr)
                {
                    GemmDriver<Kernel256x6x16>.PackRowsKMajor(wg + ((long)m0 * kg), kg, Math.Min(nr, mg - m0), nr, kg, d + ((long)m0 * kg));
                }
            }
        }

        /// <summary>Whether a 2x2, stride-2 max pool of the output can run in the epilogue: a pair of output rows fits one task.</summary>
        public static bool CanPool2x2(in ConvGeometry g) => 2 * g.OW <= MaxPositionsPerTask;

        /// <summary>
        /// y = act(conv(x) + bias) for a batch; with <paramref name="poolHeight"/> &gt; 0, y is instead the 2x2,
        /// stride-2 max pool (<paramref name="poolHeight"/> x <paramref name="poolWidth"/> per plane) of that, taken
        /// from the tile buffer. With <paramref name="residual"/> (a tensor shaped like y; no pool), y is instead
        /// residualAct(act(conv(x) + bias) + residual), each block added while it is still in cache: a residual Add in
        /// the convolution's epilogue. <paramref name="packedW"/> must be 64-byte aligned.
        /// </summary>
        public static void Forward(in ConvGeometry g, GemmKernel kernel, float* x, float* packedW, int* taps, float* bias, float* y, int batch, Activation act, int poolHeight = 0, int poolWidth = 0, float* residual = null, Activation residualAct = Activation.None)
        {
            // Tasks are (samples, group, run of output positions, share of the output channels): whole maps when
            // there are enough samples to keep every thread busy and the map fits the tile buffer, several samples
            // when their maps are small, else runs of a multiple of 24 positions (whole tiles and whole 8x8
            // transposes) or shares of the channels (CpuConvModel.PositionTasks), or whole row pairs when a pool
            // follows.
            int threads = CpuWorkerPool.AvailableThreads;
            int perRun, runs, splits = 1, samples = 1;
            // The compiler core's model of this kernel splits the same way (its traffic is in the build's report).
            var tasks = CpuConvModel.PositionTasks(g.OHW, batch, g.G, threads, Blocks(g, kernel), (long)g.MG * g.KG, ScratchLength(g));
            if (poolHeight > 0)
            {
                int mostRows = MaxPositionsPerTask / (2 * g.OW); // pooled rows a task's tile buffer holds
                if (tasks.ChannelSplits > 1 && poolHeight <= mostRows * tasks.Runs)
                {
                    // Shares of the channels over whole maps, as without the pool: runs of one or two pooled rows
                    // instead (the Fashion CNN's 14x14 layer at batch 1: seven tasks of 28 positions for two threads)
                    // left one thread four tasks and wasted a tile's positions at every row pair's end.
                    splits = tasks.ChannelSplits;
                    perRun = Math.Min(mostRows, (poolHeight + tasks.Runs - 1) / tasks.Runs);
                }
                else
                {
                    int units = batch * g.G;
                    int wanted = units >= threads * 2 ? 1 : ((threads * 4) + units - 1) / units;
                    perRun = Math.Min(mostRows, (poolHeight + wanted - 1) / wanted);
                }

                runs = (poolHeight + perRun - 1) / perRun;
            }
            else
            {
                (samples, runs, perRun, splits) = (tasks.Samples, tasks.Runs, tasks.PerRun, tasks.ChannelSplits);
            }

            var job = new PositionJob
            {
                G = g,
                X = x,
                PackedW = packedW,
                PackedPerGroup = PackedPerGroup(g, kernel),
                Wide = kernel == GemmKernel.Vector512x8x32,
                Taps = taps,
                Bias = bias,
                Y = y,
                Act = act,
                Runs = runs,
                PerRun = perRun,
                PoolHeight = poolHeight,
                PoolWidth = poolWidth,
                Splits = splits,
                BlocksPerSplit = (Blocks(g, kernel) + splits - 1) / splits,
                Samples = samples,
                Batch = batch,
                Residual = residual,
                ResidualAct = residualAct,
            };
            int chunks = (batch + samples - 1) / samples;
            CpuWorkerPool.Current.Run(ref job, chunks * g.G * runs * splits);
        }

        /// <summary>
        /// How far ahead (floats) the micro-kernels prefetch the weight sliver: 8 KiB when a sliver is at least 256 KiB, as
        /// in deep layers on small maps, whose weights stream from memory for only a few tiles (ResNet-18's 512-channel 4x4
        /// layer at batch 1 1.25x faster, its strided 8x8 one 1.05x, on AVX-512, Zen 5), else 0 (a no-op: the line is being
        /// loaded; layers that reuse a sliver over many tiles measured 0-1 % slower with it).
        /// </summary>
        private static nint PrefetchAhead(int kg, int nr) => (long)kg * nr * sizeof(float) >= 256 * 1024 ? 2048 : 0;

        /// <summary>The group's output channels in tiles of the kernel's width.</summary>
        private static int Blocks(in ConvGeometry g, GemmKernel kernel) => (g.MG + Channels(kernel) - 1) / Channels(kernel);

        private static int RoundUp(int x, int multiple) => GemmDriver<Kernel256x6x16>.RoundUp(x, multiple);

        /// <summary>
        /// bases[i] = where the receptive field of position q0 + i (flattened over samples of <paramref name="plane"/>
        /// padded floats each) starts, for <paramref name="count"/> positions, then the last repeated up to
        /// <paramref name="total"/>. Walked position by position: two divisions each cost more than a tile's epilogue
        /// (the Fashion CNN's 32 → 64 layer 1.01-1.03x, Zen 5, AVX-512).
        /// </summary>
        private static void Bases(in ConvGeometry g, int q0, int count, long plane, int* bases, int total)
        {
            int sample = q0 / g.OHW, local = q0 - (sample * g.OHW), oh = local / g.OW, col = local - (oh * g.OW);
            int rowStep = g.SH * g.PaddedWidth;
            int rowBase = (int)(sample * plane) + (oh * rowStep);
            for (int i = 0; i < count; i++)
            {
                bases[i] = rowBase + (col * g.SW);
                if (++col == g.OW)
                {
                    col = 0;
                    rowBase += rowStep;
                    if (++oh == g.OH)
                    {
                        oh = 0;
                        rowBase = (int)(++sample * plane);
                    }
                }
            }

            for (int i = count; i < total; i++)
            {
                bases[i] = bases[count - 1];
            }
        }

        private struct PositionJob : IParallelJob
        {
            public ConvGeometry G;
            public float* X;
            public float* PackedW;
            public long PackedPerGroup;
            public bool Wide; // the AVX-512 8x32 kernel, else AVX2's 6x16
            public int* Taps;
            public float* Bias;
            public float* Y;
            public Activation Act;
            public int Runs;
            public int PerRun;
            public int PoolHeight;
            public int PoolWidth;
            public int Splits; // shares of the output channels per run (PositionTasks)
            public int BlocksPerSplit;
            public int Samples; // samples per task, positions flattened across them (small maps)
            public int Batch;
            public float* Residual; // added after the activation, then ResidualAct (a fused residual Add); null: none
            public Activation ResidualAct;

            /// <summary>
            /// Pads the input rows the task's positions read (into this thread's scratch), then for each 16-channel
            /// block: every 6-position tile over the whole depth into the tile buffer, and the buffer transposed out.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            [SkipLocalsInit]
            public void Execute(int task)
            {
                int split = task % Splits;
                task /= Splits;
                int unit = task / Runs;
                int run = task - (unit * Runs);
                int chunk = unit / G.G;
                int grp = unit - (chunk * G.G);
                int n = chunk * Samples; // the task's first sample
                int samples = Math.Min(Samples, Batch - n);
                int ohw = G.OHW, ow = G.OW;
                int pr0 = run * PerRun, pr1 = Math.Min(PoolHeight, pr0 + PerRun); // pooled rows, with a pool
                int q0 = PoolHeight > 0 ? 2 * pr0 * ow : run * PerRun;
                int q1 = PoolHeight > 0 ? 2 * pr1 * ow : Math.Min(samples * ohw, q0 + PerRun);
                int count = q1 - q0;
                if (count <= 0)
                {
                    return;
                }

                // The group's planes of these samples, only the rows these positions read (whole maps when several).
                long plane = ScratchLength(G);
                float* src;
                if (ReadsInPlace(G) && Runs == 1 && Splits == 1)
                {
                    src = X + ((((long)n * G.C) + ((long)grp * G.CG)) * G.HW);
                }
                else if (samples == 1)
                {
                    src = ThreadScratch.Get(ScratchSlot.Columns, plane);
                    G.PadGroupRows(X, n, grp, src, q0 / ow, ((q1 - 1) / ow) + 1);
                }
                else
                {
                    src = ThreadScratch.Get(ScratchSlot.Columns, plane * samples);
                    for (int i = 0; i < samples; i++)
                    {
                        G.PadGroupRows(X, n + i, grp, src + (i * plane), 0, G.OH);
                    }
                }

                // Where each position's receptive field starts; the last tile repeats the last position.
                int mr = Wide ? Kernel512.MR : MR, nr = Wide ? Kernel512.NR : NR;
                int tiles = (count + mr - 1) / mr;
                int* bases = stackalloc int[MaxPositionsPerTask];
                Bases(G, q0, count, plane, bases, tiles * mr);

                // Bias and Relu/Relu6 are applied in registers before the store; another activation afterwards.
                bool clamp = Activations.InRegisters(Act, out float lo, out float hi);
                float* blockBias = stackalloc float[Kernel512.NR];
                float* buffer = ThreadScratch.Get(ScratchSlot.ConvTemp, (long)(MaxPositionsPerTask + 8) * nr); // + 8: TransposeOut's last block reads whole rows
                int mg = G.MG, kg = G.KG;
                float* packed = PackedW + (grp * PackedPerGroup);
                nint ahead = PrefetchAhead(kg, nr);
                // The planes this task writes: the output's, or the pooled output's.
                int outPlane = PoolHeight > 0 ? PoolHeight * PoolWidth : ohw;
                int outCount = PoolHeight > 0 ? (pr1 - pr0) * PoolWidth : count;
                float* dst = Y + ((((long)n * G.M) + ((long)grp * mg)) * outPlane) + (PoolHeight > 0 ? pr0 * PoolWidth : q0);
                int mEnd = Math.Min(mg, (split + 1) * BlocksPerSplit * nr);
                for (int m0 = split * BlocksPerSplit * nr; m0 < mEnd; m0 += nr)
                {
                    int channels = Math.Min(nr, mg - m0);
                    for (int j = 0; j < nr; j++)
                    {
                        blockBias[j] = Bias != null && j < channels ? Bias[(grp * mg) + m0 + j] : 0f;
                    }

                    float* w = packed + ((long)m0 * kg);
                    if (Wide)
                    {
                        for (int t = 0; t < tiles; t++)
                        {
                            if (ahead == 0)
                            {
                                Kernel512.Run<NoWeightPrefetch>(kg, src, bases + (t * mr), Taps, w, buffer + (t * mr * nr), blockBias, lo, hi, 0);
                            }
                            else
                            {
                                Kernel512.Run<WeightPrefetch>(kg, src, bases + (t * mr), Taps, w, buffer + (t * mr * nr), blockBias, lo, hi, ahead);
                            }
                        }
                    }
                    else
                    {
                        for (int t = 0; t < tiles; t++)
                        {
                            if (ahead == 0)
                            {
                                Kernel<NoWeightPrefetch>(kg, src, bases + (t * mr), Taps, w, buffer + (t * mr * nr), blockBias, lo, hi, 0);
                            }
                            else
                            {
                                Kernel<WeightPrefetch>(kg, src, bases + (t * mr), Taps, w, buffer + (t * mr * nr), blockBias, lo, hi, ahead);
                            }
                        }
                    }

                    if (!clamp)
                    {
                        Activations.BiasActivateRun(buffer, tiles * mr * nr, 0f, null, Act);
                    }

                    if (PoolHeight > 0)
                    {
                        MaxPool2x2(buffer, nr, ow, pr1 - pr0, PoolWidth);
                    }

                    if (samples == 1)
                    {
                        TransposeOut(buffer, nr, outCount, channels, dst + ((long)m0 * outPlane), outPlane);
                        AddResidual(dst + ((long)m0 * outPlane), outCount, channels, outPlane);
                    }
                    else
                    {
                        // Each sample's positions to its own planes (the task's run starts at its first sample's first position).
                        for (int i = 0; i < samples; i++)
                        {
                            float* planes = dst + ((((long)i * G.M) + m0) * ohw);
                            TransposeOut(buffer + ((long)i * ohw * nr), nr, ohw, channels, planes, ohw);
                            AddResidual(planes, ohw, channels, ohw);
                        }
                    }
                }
            }

            /// <summary>
            /// planes[j·ld + p] = ResidualAct(planes[j·ld + p] + residual there) for the block just written (in cache);
            /// nothing without a residual.
            /// </summary>
            private readonly void AddResidual(float* planes, int count, int channels, long ld)
            {
                if (Residual == null)
                {
                    return;
                }

                long offset = planes - Y;
                for (int j = 0; j < channels; j++)
                {
                    var row = new Span<float>(planes + (j * ld), count);
                    TensorOps.Add(row, new ReadOnlySpan<float>(Residual + offset + (j * ld), count), row, ResidualAct);
                }
            }
        }

        /// <summary>
        /// In place, the 2x2 stride-2 max pool of a tile buffer holding whole output rows ([position][nr channels],
        /// rows <paramref name="width"/> positions wide): pooled position p goes to buffer[p·16], which no later window
        /// reads. The order of the maxima is the pooling layer's (down the rows, then across).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void MaxPool2x2(float* buffer, int nr, int width, int pooledRows, int pooledWidth)
        {
            float* o = buffer;
            for (int r = 0; r < pooledRows; r++)
            {
                for (int j = 0; j < pooledWidth; j++)
                {
                    float* a = buffer + ((((2 * r) * width) + (2 * j)) * nr);
                    float* b = a + (width * nr);
                    for (int h = 0; h < nr; h += 8)
                    {
                        Vector256<float> left = Pooling.MaxNaN(Vector256.Load(a + h), Vector256.Load(b + h));
                        Vector256<float> right = Pooling.MaxNaN(Vector256.Load(a + nr + h), Vector256.Load(b + nr + h));
                        Pooling.MaxNaN(left, right).Store(o + h);
                    }

                    o += nr;
                }
            }
        }

        /// <summary>
        /// c[j·ldc + p] = buffer[p·nr + j] for p &lt; count, j &lt; channels: 8x8 register transposes, scalar edges. With
        /// AVX-512 the last positions (fewer than 8) go as one more 8x8 block, stored masked: at batch 1 a task often has
        /// fewer than 8 positions (a pooled row of 7), which went element by element (the Fashion CNN's 32 → 64 layer with
        /// its pool at batch 1 29.3 → 26.3 µs, Zen 5). The block reads up to 7 rows past <paramref name="count"/>, which
        /// the buffer must have.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        [SkipLocalsInit]
        private static void TransposeOut(float* buffer, int nr, int count, int channels, float* c, nint ldc)
        {
            int full = count & ~7;
            int fullChannels = channels & ~7;
            for (int j = 0; j < fullChannels; j += 8)
            {
                for (int p = 0; p < full; p += 8)
                {
                    GemmDriver<Kernel256x6x16>.Transpose8x8(buffer + (p * nr) + j, nr, c + (j * ldc) + p, ldc);
                }
            }

            int scalarFrom = full; // positions the full channel blocks still lack
            if (full < count && Avx512F.VL.IsSupported)
            {
                var lanes = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - full)).AsSingle();
                float* block = stackalloc float[64];
                for (int j = 0; j < fullChannels; j += 8)
                {
                    GemmDriver<Kernel256x6x16>.Transpose8x8(buffer + (full * nr) + j, nr, block, 8);
                    for (int k = 0; k < 8; k++)
                    {
                        Avx512F.VL.MaskStore(c + ((j + k) * ldc) + full, lanes, Vector256.Load(block + (8 * k)));
                    }
                }

                scalarFrom = count;
            }

            for (int j = 0; j < channels; j++)
            {
                float* row = c + (j * ldc);
                int p = j < fullChannels ? scalarFrom : 0;
                for (; p < count; p++)
                {
                    row[p] = buffer[(p * nr) + j];
                }
            }
        }

        /// <summary>
        /// The AVX2 6x16 micro-kernel with an indirect A: element (i, k) is src[bases[i] + taps[k]], broadcast; B is the
        /// packed 16-channel sliver. Adds the 16 biases, clamps to [lo, hi] and stores the tile as [position][16].
        /// Written out rather than shared with <see cref="Kernel256x6x16"/>: a shared step helper would take the twelve
        /// accumulators by reference, and the JIT would then keep them in memory.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Kernel<TPrefetch>(int kc, float* src, int* bases, int* taps, float* w, float* c, float* bias, float lo, float hi, nint ahead)
            where TPrefetch : struct, IWeightPrefetch
        {
            float* x0 = src + bases[0], x1 = src + bases[1], x2 = src + bases[2];
            float* x3 = src + bases[3], x4 = src + bases[4], x5 = src + bases[5];
            Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default, c50 = default, c51 = default;
            for (int* tap = taps, end = taps + kc; tap < end; tap++)
            {
                nint off = *tap;
                if (TPrefetch.Enabled)
                {
                    Sse.Prefetch0(w + ahead);
                }

                Vector256<float> w0 = Vector256.LoadAligned(w);
                Vector256<float> w1 = Vector256.LoadAligned(w + 8);
                Vector256<float> av = Vector256.Create(x0[off]);
                c00 = Vector256.FusedMultiplyAdd(av, w0, c00);
                c01 = Vector256.FusedMultiplyAdd(av, w1, c01);
                av = Vector256.Create(x1[off]);
                c10 = Vector256.FusedMultiplyAdd(av, w0, c10);
                c11 = Vector256.FusedMultiplyAdd(av, w1, c11);
                av = Vector256.Create(x2[off]);
                c20 = Vector256.FusedMultiplyAdd(av, w0, c20);
                c21 = Vector256.FusedMultiplyAdd(av, w1, c21);
                av = Vector256.Create(x3[off]);
                c30 = Vector256.FusedMultiplyAdd(av, w0, c30);
                c31 = Vector256.FusedMultiplyAdd(av, w1, c31);
                av = Vector256.Create(x4[off]);
                c40 = Vector256.FusedMultiplyAdd(av, w0, c40);
                c41 = Vector256.FusedMultiplyAdd(av, w1, c41);
                av = Vector256.Create(x5[off]);
                c50 = Vector256.FusedMultiplyAdd(av, w0, c50);
                c51 = Vector256.FusedMultiplyAdd(av, w1, c51);
                w += NR;
            }

            Vector256<float> b0 = Vector256.Load(bias), b1 = Vector256.Load(bias + 8);
            c00 += b0; c01 += b1; c10 += b0; c11 += b1; c20 += b0; c21 += b1;
            c30 += b0; c31 += b1; c40 += b0; c41 += b1; c50 += b0; c51 += b1;
            if (lo != float.NegativeInfinity || hi != float.PositiveInfinity)
            {
                Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi);
                c00 = Activations.Clamp(c00, vlo, vhi); c01 = Activations.Clamp(c01, vlo, vhi);
                c10 = Activations.Clamp(c10, vlo, vhi); c11 = Activations.Clamp(c11, vlo, vhi);
                c20 = Activations.Clamp(c20, vlo, vhi); c21 = Activations.Clamp(c21, vlo, vhi);
                c30 = Activations.Clamp(c30, vlo, vhi); c31 = Activations.Clamp(c31, vlo, vhi);
                c40 = Activations.Clamp(c40, vlo, vhi); c41 = Activations.Clamp(c41, vlo, vhi);
                c50 = Activations.Clamp(c50, vlo, vhi); c51 = Activations.Clamp(c51, vlo, vhi);
            }

            c00.Store(c); c01.Store(c + 8);
            c10.Store(c + 16); c11.Store(c + 24);
            c20.Store(c + 32); c21.Store(c + 40);
            c30.Store(c + 48); c31.Store(c + 56);
            c40.Store(c + 64); c41.Store(c + 72);
            c50.Store(c + 80); c51.Store(c + 88);
        }
    }

    /// <summary>
    /// Whether a positions micro-kernel prefetches its weight sliver ahead (<c>PositionConv.PrefetchAhead</c>): a type
    /// parameter rather than a run-time test, so the JIT compiles the loop without the prefetch, its distance and
    /// their registers where there is none (on AVX-512 the distance was reloaded from the stack and one input pointer
    /// spilled on every tap: the Fashion CNN's 32 -> 64 layer at batch 32 1.06x faster alone without them, the networks
    /// 1.00-1.02x, Zen 5, alternating in one process).
    /// </summary>
    internal interface IWeightPrefetch
    {
        static abstract bool Enabled { get; }
    }

    /// <summary>The loop prefetches its sliver <c>ahead</c> floats on (weight slivers of 256 KiB or more).</summary>
    internal struct WeightPrefetch : IWeightPrefetch
    {
        public static bool Enabled => true;
    }

    /// <summary>The loop prefetches nothing (slivers that stay in cache over their tiles).</summary>
    internal struct NoWeightPrefetch : IWeightPrefetch
    {
        public static bool Enabled => false;
    }
}
