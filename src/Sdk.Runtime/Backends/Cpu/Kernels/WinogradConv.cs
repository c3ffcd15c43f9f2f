using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray, 2015): each 2x2 block of
    /// outputs ("tile") is Aᵀ[Σ_c (G g G ᵀ) ⊙ (Bᵀ d B)]A, where d is the tile's 4x4 input patch. The sum over input
    /// channels is 16 independent GEMMs (one per element ξ of the 4x4 transformed tile), [M x C] · [C x tiles]: 16
    /// multiplies per tile and channel pair instead of the direct method's 36, 2.25x fewer. The transforms cost
    /// additions only, O(C + M) per tile, done 8 tiles at a time in one vector's lanes.
    /// </summary>
    /// <remarks>
    /// <para>Accuracy: an output differs from the exact sum by at most 9 (C + 8) u Σ_c ‖g_c‖₁ ‖d_c‖₁ (u = 2⁻²⁴; G's
    /// entries are at most 1, Bᵀ's and Aᵀ's 0 or ±1); <c>WinogradTests</c> states why and checks it (docs/cpu-kernels.md).</para>
    /// <para>A task (the compiler core's <see cref="CpuConvModel.WinogradTasks"/>) is whole samples or a band of whole
    /// tile rows, and a share of the output channels. It pads the input rows its tiles read, one channel at a time (in
    /// L1), transforms them 8 tiles per vector straight into the GEMM kernel's packed-B layout, and for each block of
    /// output channels runs the 16 GEMMs against U_ξ (transformed and packed once, <see cref="PackWeights"/>) into
    /// products[ξ][m][tile] (L2), which it transforms back, adding the bias, the Relu/Relu6 clamp, a fused residual or a
    /// fused 2x2 max pool in registers.</para>
    /// </remarks>
    internal static unsafe class WinogradConv
    {
        /// <summary>Elements of a transformed tile (4x4).</summary>
        private const int Xi = 16;

        /// <summary>Tiles transformed together: one 256-bit vector's lanes.</summary>
        private const int Lanes = 8;

        /// <summary>Floats of one block of GEMM results (16 x channels x tiles): 256 KiB, as the compiler core counts it.</summary>
        private const int OutputBudget = CpuConvModel.WinogradProductFloats;

        /// <summary>
        /// Whether the kernel can run this convolution: 3x3, stride 1, no dilation, one group, a vector GEMM kernel (the
        /// transforms use AVX2). Whether it does is the compiler core's choice (<see cref="CpuConvModel.WinogradFromBatch"/>).
        /// </summary>
        public static bool Supports(in ConvGeometry g, GemmKernel kernel)
            => g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.G == 1 && Avx2.IsSupported
               && kernel is GemmKernel.Vector512x8x32 or GemmKernel.Vector256x6x16;

        /// <summary>Width of a task's padded input rows (the compiler core counts it): a group of <see cref="Lanes"/> tiles starting at a row's last tile reads in bounds.</summary>
        internal static int PlaneWidth(in ConvGeometry g) => CpuConvModel.WinogradPlaneWidth(g.OW);

        /// <summary>Floats of the transformed, packed weights: 16 packed [M x C] matrices.</summary>
        public static long PackedLength(in ConvGeometry g, GemmKernel kernel) => Xi * GemmEngine.PackedASize(kernel, g.M, g.C);

        /// <summary>
        /// U_ξ = (G g G ᵀ)_ξ for every output and input channel (in double), each packed as the GEMM's A; one row of ξ
        /// (4 matrices) at a time in thread scratch, so packing allocates nothing after the first call.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void PackWeights(in ConvGeometry g, GemmKernel kernel, float* w, float* dst)
        {
            int m = g.M, c = g.C;
            long plane = (long)m * c, packed = GemmEngine.PackedASize(kernel, m, c);
            float* u = ThreadScratch.Get(ScratchSlot.Misc, 4 * plane);
            for (int row = 0; row < 4; row++)
            {
                for (long pair = 0; pair < plane; pair++)
                {
                    // Row `row` of t = G g (G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]), then that row of t Gᵀ.
                    float* k = w + (pair * 9);
                    double t0 = Row(row, k[0], k[3], k[6]), t1 = Row(row, k[1], k[4], k[7]), t2 = Row(row, k[2], k[5], k[8]);
                    u[pair] = (float)t0;
                    u[plane + pair] = (float)(0.5 * (t0 + t1 + t2));
                    u[(2 * plane) + pair] = (float)(0.5 * (t0 - t1 + t2));
                    u[(3 * plane) + pair] = (float)t2;
                }

                for (int j = 0; j < 4; j++)
                {
                    GemmEngine.PackA(kernel, false, u + (j * plane), c, m, c, dst + (((row * 4) + j) * packed), parallel: false);
                }
            }

            static double Row(int row, double g0, double g1, double g2) => row switch
            {
                0 => g0,
                1 => 0.5 * (g0 + g1 + g2),
                2 => 0.5 * (g0 - g1 + g2),
                _ => g2,
            };
        }

        /// <summary>
        /// y = act(conv(x) + bias) for a batch (NCHW), the weights given to <see cref="PackWeights"/>; with
        /// <paramref name="residual"/> (shaped like y), y = residualAct(act(conv(x) + bias) + residual); with
        /// <paramref name="poolHeight"/> &gt; 0, y is instead the 2x2, stride-2 max pool of act(conv(x) + bias)
        /// (<paramref name="poolHeight"/> x <paramref name="poolWidth"/> = ⌊OH/2⌋ x ⌊OW/2⌋ per plane): a tile's four outputs
        /// are exactly one pooling window, so each tile gives one pooled value and the convolution's output is never written.
        /// </summary>
        public static void Forward(in ConvGeometry g, GemmKernel kernel, WinogradTasks tasks, float* x, float* packedU, float* bias, float* y, int batch, Activation act, float* residual = null, Activation residualAct = Activation.None, int poolHeight = 0, int poolWidth = 0)
        {
            if (poolHeight > 0 && (residual != null || !Activations.InRegisters(act, out _, out _) || poolHeight != g.OH / 2 || poolWidth != g.OW / 2))
            {
                throw new ArgumentException($"A 2x2 max pool fused into a Winograd convolution ({g.C}→{g.M}, {g.OH}x{g.OW} output, activation {act}) needs Relu, Relu6 or no activation, no residual, and the pooled size {g.OH / 2}x{g.OW / 2}; got {poolHeight}x{poolWidth}{(residual != null ? " with a residual" : "")}.");
            }

            // Relu and Relu6 clamp in registers; another activation runs over each task's rows once they are written.
            bool actInRegisters = Activations.InRegisters(act, out float lo, out float hi);
            bool residualInRegisters = Activations.InRegisters(residualAct, out float rlo, out float rhi);
            var job = new TileJob
            {
                G = g,
                Kernel = kernel,
                X = x,
                PackedU = packedU,
                PackedPerXi = GemmEngine.PackedASize(kernel, g.M, g.C),
                Bias = bias,
                Y = y,
                Residual = residual,
                Lo = lo,
                Hi = hi,
                ResidualLo = rlo,
                ResidualHi = rhi,
                After = residual != null ? (residualInRegisters ? Activation.None : residualAct) : (actInRegisters ? Activation.None : act),
                TilesHigh = (g.OH + 1) / 2,
                TilesWide = (g.OW + 1) / 2,
                Batch = batch,
                Tasks = tasks,
                PoolHeight = poolHeight,
                PoolWidth = poolWidth,
            };
            int chunks = (batch + tasks.Samples - 1) / tasks.Samples;
            CpuWorkerPool.Current.Run(ref job, chunks * tasks.Bands * tasks.ChannelSplits);
        }

        /// <summary>plane[r][j] = input row r0 + r - PT, column j - PL, zero outside the input (a task's rows of one channel).</summary>
        internal static void PadPlane(in ConvGeometry g, float* src, float* plane, int pw, int r0, int rows) => g.PadRowRange(src, r0 - g.PT, plane, rows, pw);

        private struct TileJob : IParallelJob
        {
            public ConvGeometry G;
            public GemmKernel Kernel;
            public float* X;
            public float* PackedU;
            public long PackedPerXi;
            public float* Bias;
            public float* Y;
            public float* Residual;
            public float Lo;
            public float Hi;
            public float ResidualLo;
            public float ResidualHi;
            public Activation After; // applied to the task's rows once written (not Relu/Relu6, which clamp in registers)
            public int TilesHigh;
            public int TilesWide;
            public int Batch;
            public WinogradTasks Tasks;
            public int PoolHeight; // > 0: y is the 2x2 max pool, one value per tile
            public int PoolWidth;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            [SkipLocalsInit]
            public void Execute(int task)
            {
                // Tiles are flattened over (sample, tile row, tile column); a task is whole samples or a band of whole
                // tile rows, and one share of the output channels.
                int split = task % Tasks.ChannelSplits;
                task /= Tasks.ChannelSplits;
                int band = task % Tasks.Bands, n0 = task / Tasks.Bands * Tasks.Samples;
                int perSample = TilesHigh * TilesWide;
                long t0 = ((long)n0 * perSample) + ((long)band * Tasks.TileRows * TilesWide);
                int count = Tasks.Bands == 1
                    ? Math.Min(Tasks.Samples, Batch - n0) * perSample
                    : Math.Min(Tasks.TileRows, TilesHigh - (band * Tasks.TileRows)) * TilesWide;
                int mr = GemmEngine.MR(Kernel);
                int m0 = split * Tasks.ChannelsPerSplit, m1 = Math.Min(G.M, m0 + Tasks.ChannelsPerSplit);
                if (count <= 0 || m0 >= m1)
                {
                    return;
                }

                // V_ξ (C x tiles) for each ξ, written straight in the GEMM kernel's packed layout (PackedB).
                // One cache line between the 16 matrices: a power-of-two stride (64 channels x 128 tiles = 32 KiB) would put
                // the 16 stores of a tile group in one L1 set (measured 1.6x slower on the 32x32 layers).
                long packedB = GemmEngine.PackedBSize(Kernel, G.C, count) + 16;
                float* vp = ThreadScratch.Get(ScratchSlot.Winograd, Xi * packedB);
                TransformInput(t0, count, vp, packedB);

                int ldv = count + Lanes; // a product row: the last 8-tile group reads past the task's tiles
                int block = Math.Max(mr, OutputBudget / Xi / ldv / mr * mr);
                float* prod = ThreadScratch.Get(ScratchSlot.ConvTemp, (long)Xi * block * ldv);
                for (int b0 = m0; b0 < m1; b0 += block)
                {
                    int b1 = Math.Min(m1, b0 + block);
                    for (int xi = 0; xi < Xi; xi++)
                    {
                        var p = new GemmProblem
                        {
                            M = G.M,
                            N = count,
                            K = G.C,
                            Alpha = 1f,
                            Beta = 0f,
                            PackedA = PackedU + (xi * PackedPerXi),
                            PackedB = vp + (xi * packedB),
                            C = prod + (((long)xi * block) - b0) * ldv, // row m lands at (m - b0)
                            Ldc = ldv,
                        };
                        ComputeBlock(Kernel, ref p, b0, b1, count);
                    }

                    TransformOutput(t0, count, prod, ldv, block, b0, b1);
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private static void ComputeBlock(GemmKernel kernel, ref GemmProblem p, int m0, int m1, int n)
            {
                if (kernel == GemmKernel.Vector512x8x32)
                {
                    GemmDriver<Kernel512x8x32>.ComputeBlock(ref p, m0, m1, 0, n);
                }
                else
                {
                    GemmDriver<Kernel256x6x16>.ComputeBlock(ref p, m0, m1, 0, n);
                }
            }

            /// <summary>
            /// Asks for the input rows [r0 - PT, r0 + rows - PT) of a plane (those <see cref="PadPlane"/> copies) to be
            /// brought into L1 ahead of the copy: among the 16 store streams of the transform, the hardware prefetcher did
            /// not, and the copy waited on each line in turn. One channel ahead, alternating in one process (Zen 5, 2
            /// threads): ResNet-18's 32x32 layers 1.08-1.11x at batch 32, 16x16 1.02x, 8x8 (four lines a plane) 1.00x;
            /// two or four channels ahead no better.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void PrefetchRows(float* plane, int r0, int rows)
            {
                int ih0 = Math.Max(0, r0 - G.PT), ih1 = Math.Min(G.H, r0 + rows - G.PT);
                byte* first = (byte*)(plane + ((long)ih0 * G.W));
                long bytes = (long)(ih1 - ih0) * G.W * sizeof(float);
                for (long offset = 0; offset < bytes; offset += 64)
                {
                    Sse.Prefetch0(first + offset);
                }
            }

            /// <summary>
            /// V_ξ[c][t - t0] = (Bᵀ d B)_ξ for the task's tiles, d the tile's 4x4 patch of channel c, one sample at a
            /// time: each channel's rows padded into an L1 plane, then 8 tiles of a tile row per step, stored where the
            /// GEMM kernel's packed B keeps them (KC-deep blocks of NR-column slivers, <see cref="GemmDriver{TK}.PackBFull"/>).
            /// A group's lanes past its row's end land on the next tiles' places, which those tiles then overwrite
            /// (a channel's columns are written in order).
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            [SkipLocalsInit]
            private readonly void TransformInput(long t0, int count, float* vp, long packedB)
            {
                int perSample = TilesHigh * TilesWide;
                int pw = PlaneWidth(G);
                int nr = GemmEngine.NR(Kernel), kcMax = GemmEngine.Target(Kernel).KC;
                int nPad = (count + nr - 1) / nr * nr;
                float* group = stackalloc float[Xi * Lanes];
                long t = t0, end = t0 + count;
                while (t < end)
                {
                    int n = (int)(t / perSample);
                    int first = (int)(t - ((long)n * perSample));
                    int last = (int)Math.Min(perSample, end - ((long)n * perSample)); // exclusive, within the sample
                    int ty0 = first / TilesWide, ty1 = ((last - 1) / TilesWide) + 1;
                    int rows = (2 * (ty1 - ty0)) + 2;
                    float* plane = ThreadScratch.Get(ScratchSlot.Plane, (long)rows * pw);
                    int col0 = (int)(t - t0) - first; // the task's column of this sample's tile 0
                    for (int c = 0; c < G.C; c++)
                    {
                        if (c + 1 < G.C)
                        {
                            PrefetchRows(X + ((((long)n * G.C) + c + 1) * G.HW), 2 * ty0, rows);
                        }

                        PadPlane(G, X + ((((long)n * G.C) + c) * G.HW), plane, pw, 2 * ty0, rows);
                        int pc = c / kcMax * kcMax, kc = Math.Min(kcMax, G.C - pc);
                        float* vc = vp + ((long)pc * nPad) + ((c - pc) * nr); // channel c's row in sliver 0
                        long sliver = (long)nr * kc;
                        for (int ty = ty0; ty < ty1; ty++)
                        {
                            int a = Math.Max(first, ty * TilesWide), b = Math.Min(last, (ty + 1) * TilesWide);
                            float* row = plane + ((long)(2 * (ty - ty0)) * pw);
                            for (int q = a; q < b; q += Lanes)
                            {
                                float* src = row + (2 * (q - (ty * TilesWide)));
                                int col = col0 + q, lane = col % nr;
                                float* dst = vc + ((col / nr) * sliver) + lane;
                                if (lane <= nr - Lanes)
                                {
                                    InputTile(src, pw, dst, packedB);
                                    continue;
                                }

                                // The group straddles two slivers: its head ends this one, its tail starts the next.
                                InputTile(src, pw, group, Lanes);
                                int head = nr - lane;
                                bool next = col + head < nPad;
                                for (int xi = 0; xi < Xi; xi++)
                                {
                                    float* g = group + (xi * Lanes);
                                    float* d = dst + (xi * packedB);
                                    new ReadOnlySpan<float>(g, head).CopyTo(new Span<float>(d, head));
                                    if (next)
                                    {
                                        new ReadOnlySpan<float>(g + head, Lanes - head).CopyTo(new Span<float>(d + sliver - lane, Lanes - head));
                                    }
                                }
                            }
                        }
                    }

                    t = ((long)n * perSample) + last;
                }
            }

            /// <summary>
            /// Bᵀ d B for 8 tiles side by side (lane j: the patch at column 2j of <paramref name="src"/>), stored at
            /// dst + ξ·<paramref name="ldXi"/>. Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void InputTile(float* src, int pw, float* dst, long ldXi)
            {
                Rows(src, out var d00, out var d01, out var d02, out var d03);
                Rows(src + pw, out var d10, out var d11, out var d12, out var d13);
                Rows(src + (2 * pw), out var d20, out var d21, out var d22, out var d23);
                Rows(src + (3 * pw), out var d30, out var d31, out var d32, out var d33);

                // Bᵀ d, down the columns.
                var r00 = d00 - d20; var r01 = d01 - d21; var r02 = d02 - d22; var r03 = d03 - d23;
                var r10 = d10 + d20; var r11 = d11 + d21; var r12 = d12 + d22; var r13 = d13 + d23;
                var r20 = d20 - d10; var r21 = d21 - d11; var r22 = d22 - d12; var r23 = d23 - d13;
                var r30 = d10 - d30; var r31 = d11 - d31; var r32 = d12 - d32; var r33 = d13 - d33;

                // (Bᵀ d) B, along the rows.
                Cols(r00, r01, r02, r03, dst, ldXi);
                Cols(r10, r11, r12, r13, dst + (4 * ldXi), ldXi);
                Cols(r20, r21, r22, r23, dst + (8 * ldXi), ldXi);
                Cols(r30, r31, r32, r33, dst + (12 * ldXi), ldXi);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Cols(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d, float* dst, long ld)
            {
                (a - c).Store(dst);
                (b + c).Store(dst + ld);
                (c - b).Store(dst + (2 * ld));
                (b - d).Store(dst + (3 * ld));
            }

            /// <summary>The 4 columns of 8 patches in one row: s0 = row[2j], s1 = row[2j + 1], s2 = row[2j + 2], s3 = row[2j + 3].</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Rows(float* row, out Vector256<float> s0, out Vector256<float> s1, out Vector256<float> s2, out Vector256<float> s3)
            {
                Deinterleave(Vector256.Load(row), Vector256.Load(row + 8), out s0, out s1);
                Deinterleave(Vector256.Load(row + 2), Vector256.Load(row + 10), out s2, out s3);
            }

            /// <summary>even = a0 a2 a4 a6 b0 b2 b4 b6, odd = a1 a3 a5 a7 b1 b3 b5 b7.</summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private static void Deinterleave(Vector256<float> a, Vector256<float> b, out Vector256<float> even, out Vector256<float> odd)
            {
                even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
                odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
            }

            /// <summary>
            /// Output channels [b0, b1): each tile's 2x2 outputs Aᵀ M A from prod[ξ][m - b0][t - t0] (Aᵀ = [1 1 1 0;
            /// 0 1 -1 -1]), plus bias, clamped, plus the residual, written to y; 8 tiles of a tile row per step.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            [SkipLocalsInit]
            private readonly void TransformOutput(long t0, int count, float* prod, int ldv, int block, int b0, int b1)
            {
                int perSample = TilesHigh * TilesWide;
                long ldXi = (long)block * ldv;
                float* spill = stackalloc float[4 * Lanes];
                long t = t0, end = t0 + count;
                while (t < end)
                {
                    int n = (int)(t / perSample);
                    int first = (int)(t - ((long)n * perSample));
                    int last = (int)Math.Min(perSample, end - ((long)n * perSample));
                    int col0 = (int)(t - t0) - first;
                    for (int m = b0; m < b1; m++)
                    {
                        float* pm = prod + ((long)(m - b0) * ldv) + col0;
                        if (PoolHeight > 0)
                        {
                            PoolTiles(pm, ldXi, Y + ((((long)n * G.M) + m) * PoolHeight * PoolWidth), m, first, last, spill);
                            continue;
                        }

                        long planeOffset = (((long)n * G.M) + m) * G.OHW;
                        float* ym = Y + planeOffset;
                        float* rm = Residual == null ? null : Residual + planeOffset;
                        var bias = Vector256.Create(Bias == null ? 0f : Bias[m]);
                        for (int ty = first / TilesWide; ty * TilesWide < last; ty++)
                        {
                            int a = Math.Max(first, ty * TilesWide), b = Math.Min(last, (ty + 1) * TilesWide);
                            for (int q = a; q < b; q += Lanes)
                            {
                                OutputTile(pm + q, ldXi, bias, out var y00, out var y01, out var y10, out var y11);
                                int tx = q - (ty * TilesWide), oy = 2 * ty, ox = 2 * tx;
                                int width = Math.Min(2 * Math.Min(Lanes, b - q), G.OW - ox);
                                StoreRow(y00, y01, ym + ((long)oy * G.OW) + ox, rm == null ? null : rm + ((long)oy * G.OW) + ox, width, spill);
                                if (oy + 1 < G.OH)
                                {
                                    long at = ((long)(oy + 1) * G.OW) + ox;
                                    StoreRow(y10, y11, ym + at, rm == null ? null : rm + at, width, spill);
                                }
                            }
                        }

                        if (After != Activation.None)
                        {
                            // The task's rows of this plane: whole tile rows, so one contiguous run.
                            int oy0 = 2 * (first / TilesWide), oy1 = Math.Min(G.OH, 2 * ((last + TilesWide - 1) / TilesWide));
                            Activations.BiasActivateRun(ym + ((long)oy0 * G.OW), (oy1 - oy0) * G.OW, 0f, null, After);
                        }
                    }

                    t = ((long)n * perSample) + last;
                }
            }

            /// <summary>
            /// Pooled plane <paramref name="yp"/>: tile (ty, tx) is pooling window (ty, tx), so pooled[ty][tx] = the max of
            /// the tile's four outputs, in the pooling layer's order (down each column, then across); tiles of a last odd
            /// row or column are dropped as the pool drops them.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            private readonly void PoolTiles(float* pm, long ldXi, float* yp, int m, int first, int last, float* spill)
            {
                var bias = Vector256.Create(Bias == null ? 0f : Bias[m]);
                for (int ty = first / TilesWide; ty * TilesWide < last && ty < PoolHeight; ty++)
                {
                    int a = Math.Max(first, ty * TilesWide), b = Math.Min(last, (ty * TilesWide) + PoolWidth);
                    for (int q = a; q < b; q += Lanes)
                    {
                        OutputTile(pm + q, ldXi, bias, out var y00, out var y01, out var y10, out var y11);
                        var pooled = Pooling.MaxNaN(Pooling.MaxNaN(y00, y10), Pooling.MaxNaN(y01, y11));
                        float* dst = yp + ((long)ty * PoolWidth) + (q - (ty * TilesWide));
                        int count = Math.Min(Lanes, b - q);
                        if (count == Lanes)
                        {
                            pooled.Store(dst);
                            continue;
                        }

                        pooled.Store(spill);
                        new ReadOnlySpan<float>(spill, count).CopyTo(new Span<float>(dst, count));
                    }
                }
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void OutputTile(float* p, long ld, Vector256<float> bias, out Vector256<float> y00, out Vector256<float> y01, out Vector256<float> y10, out Vector256<float> y11)
            {
                // Aᵀ M, down the columns: s0 = m0 + m1 + m2, s1 = m1 - m2 - m3 (rows of 4 elements ξ = 4i + j).
                Vector256<float> s00, s01, s02, s03, s10, s11, s12, s13;
                {
                    var m10 = Vector256.Load(p + (4 * ld)); var m20 = Vector256.Load(p + (8 * ld));
                    s00 = Vector256.Load(p) + m10 + m20; s10 = m10 - m20 - Vector256.Load(p + (12 * ld));
                    var m11 = Vector256.Load(p + (5 * ld)); var m21 = Vector256.Load(p + (9 * ld));
                    s01 = Vector256.Load(p + ld) + m11 + m21; s11 = m11 - m21 - Vector256.Load(p + (13 * ld));
                    var m12 = Vector256.Load(p + (6 * ld)); var m22 = Vector256.Load(p + (10 * ld));
                    s02 = Vector256.Load(p + (2 * ld)) + m12 + m22; s12 = m12 - m22 - Vector256.Load(p + (14 * ld));
                    var m13 = Vector256.Load(p + (7 * ld)); var m23 = Vector256.Load(p + (11 * ld));
                    s03 = Vector256.Load(p + (3 * ld)) + m13 + m23; s13 = m13 - m23 - Vector256.Load(p + (15 * ld));
                }

                // (Aᵀ M) A, along the rows, then the bias and the activation's clamp.
                var lo = Vector256.Create(Lo);
                var hi = Vector256.Create(Hi);
                y00 = Activations.Clamp(s00 + s01 + s02 + bias, lo, hi);
                y01 = Activations.Clamp(s01 - s02 - s03 + bias, lo, hi);
                y10 = Activations.Clamp(s10 + s11 + s12 + bias, lo, hi);
                y11 = Activations.Clamp(s11 - s12 - s13 + bias, lo, hi);
            }

            /// <summary>
            /// One output row of 8 tiles: a0 b0 a1 b1 ... a7 b7 (left and right outputs of each tile), the first
            /// <paramref name="width"/> of them, plus the residual and its clamp.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private readonly void StoreRow(Vector256<float> left, Vector256<float> right, float* y, float* r, int width, float* spill)
            {
                var lowPairs = Avx.UnpackLow(left, right);   // a0 b0 a1 b1 | a4 b4 a5 b5
                var highPairs = Avx.UnpackHigh(left, right); // a2 b2 a3 b3 | a6 b6 a7 b7
                var out0 = Avx.Permute2x128(lowPairs, highPairs, 0x20);
                var out1 = Avx.Permute2x128(lowPairs, highPairs, 0x31);
                if (width == 2 * Lanes)
                {
                    if (r != null)
                    {
                        var lo = Vector256.Create(ResidualLo);
                        var hi = Vector256.Create(ResidualHi);
                        out0 = Activations.Clamp(out0 + Vector256.Load(r), lo, hi);
                        out1 = Activations.Clamp(out1 + Vector256.Load(r + 8), lo, hi);
                    }

                    out0.Store(y);
                    out1.Store(y + 8);
                    return;
                }

                out0.Store(spill);
                out1.Store(spill + 8);
                for (int i = 0; i < width; i++)
                {
                    y[i] = r == null ? spill[i] : Math.Min(ResidualHi, Math.Max(ResidualLo, spill[i] + r[i]));
                }
            }
        }
    }
}
