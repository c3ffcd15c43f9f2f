using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sdk.Runtime.Backends.Cpu
{
    /// <summary>
    /// A 2-D convolution (NCHW, batch-major) planned once per shape: the algorithm, the GEMM micro-kernel, how
    /// many samples share one GEMM, and every scratch size are fixed here, so a call does no planning and, after
    /// the first call, no allocation.
    /// </summary>
    /// <remarks>
    /// <para>Algorithms (<see cref="Algorithm"/>): depthwise convolutions (groups = input channels, a single input
    /// channel included) run a direct vectorised stencil; 1x1 stride-1 unpadded convolutions multiply the weights by
    /// the input itself; on the AVX2 and AVX-512 kernels, convolutions whose channels fill 16-wide (32-wide) tiles run
    /// as an indirect GEMM over flattened output positions (<see cref="PositionConv"/>), and on AVX2 stride-1 rows that fill 16-column tiles
    /// otherwise as an indirect GEMM along the rows (<see cref="RowConv"/>), both reading a padded copy of the input
    /// with no column matrix at all; all others build an im2col column matrix per sample and group and multiply by
    /// the packed weights. A 2x2 max pool of the output can run in the epilogue (<see cref="CanFuseMaxPool"/>).</para>
    /// <para>Small feature maps make narrow GEMMs (a 4x4 map is 16 columns, half an AVX-512 tile), so the plan puts
    /// the column matrices of <see cref="SamplesPerGemm"/> samples side by side until a GEMM has at least
    /// <see cref="TargetGemmColumns"/> columns, and scatters the result back to NCHW.</para>
    /// <para>Parallelism: when a call has at least as many (chunk, group) GEMMs as threads, each thread runs whole
    /// GEMMs (no synchronisation inside); the remainder, or a batch of one, runs one GEMM at a time split over the
    /// threads. Weights are packed once per call (or once for many calls with <see cref="PackWeights"/>) and
    /// shared by all samples.</para>
    /// <para>A plan owns its packed-weight buffers, so one instance must not run two calls at the same time; use one
    /// plan per layer and per executing thread.</para>
    /// </remarks>
    public sealed unsafe class ConvPlan
    {
        /// <summary>A GEMM narrower than this wastes tile columns and parallel tasks; samples are batched up to it.</summary>
        public const int TargetGemmColumns = CpuConvModel.TargetGemmColumns;

        /// <summary>Floats allocated past a buffer whose start is rounded up to 64 bytes (<see cref="PinAligned"/>).</summary>
        internal const int AlignmentSlack = 16;

        private readonly ConvGeometry _g;
        private float[]? _packedW;
        private float[]? _packedWB;
        private float[]? _packedWT;
        private float[]? _partialGradW;
        private float[]? _packedWinograd;
        private bool _prepacked;
        private readonly int[]? _taps;

        /// <param name="descriptor">The convolution.</param>
        /// <param name="kernel">The GEMM micro-kernel (the widest the machine runs, by default).</param>
        /// <param name="winograd">
        /// Whether 3x3 stride-1 convolutions may run as Winograd F(2x2, 3x3) from <see cref="WinogradFromBatch"/> (the
        /// default); false keeps the direct method's rounding at every batch (Winograd's error bound is a few times wider).
        /// </param>
        public ConvPlan(Conv2DDescriptor descriptor, GemmKernel kernel = GemmKernel.Auto, bool winograd = true)
        {
            ArgumentNullException.ThrowIfNull(descriptor);
            descriptor.Validate();
            Descriptor = descriptor;
            Kernel = GemmEngine.Resolve(kernel);
            _g = ConvGeometry.From(descriptor);

            // The choice is the compiler core's model of this backend (CpuConvModel), so the build's traffic report
            // counts the dataflow this plan runs.
            var shape = descriptor.Shape;
            var target = GemmEngine.Target(Kernel);
            Algorithm = (ConvAlgorithm)CpuConvModel.Algorithm(shape, target);
            if (Algorithm is ConvAlgorithm.IndirectPositions or ConvAlgorithm.IndirectRows)
            {
                _taps = _g.TapOffsets();
            }

            WinogradFromBatch = winograd && WinogradConv.Supports(_g, Kernel) ? CpuConvModel.WinogradFromBatch(shape, target) : 0;
            SamplesPerGemm = CpuConvModel.SamplesPerGemm(shape, (CpuConvAlgorithm)Algorithm);
            TransposedBelowBatch = CpuConvModel.TransposedBelowBatch(shape, target, (CpuConvAlgorithm)Algorithm, SamplesPerGemm);
            int ohw = _g.OHW;
            ColumnScratchLength = Algorithm switch
            {
                ConvAlgorithm.Depthwise => (long)_g.PaddedHeight * _g.PaddedWidth * 2,
                ConvAlgorithm.PointwiseGemm when SamplesPerGemm == 1 => 0,
                _ => (long)_g.KG * ohw * SamplesPerGemm,
            };
            PackedWeightLength = Algorithm switch
            {
                ConvAlgorithm.Depthwise => 0,
                ConvAlgorithm.IndirectPositions => (_g.G * PositionConv.PackedPerGroup(_g, Kernel)) + AlignmentSlack,
                _ => _g.G * GemmEngine.PackedASize(Kernel, _g.MG, _g.KG),
            };
        }

        public Conv2DDescriptor Descriptor { get; }

        public ConvAlgorithm Algorithm { get; }

        /// <summary>
        /// The compiler core's model of what this plan runs for <paramref name="batch"/> samples on <paramref name="threads"/>
        /// threads: its loop nest, the memory it blocks for, and so its off-chip traffic (docs/lower-bound.md).
        /// </summary>
        public CpuConvChoice Dataflow(int batch, int threads = 1) => CpuConvModel.Choose(Descriptor.Shape, GemmEngine.Target(Kernel), batch, threads, winograd: WinogradFromBatch > 0);

        /// <summary>
        /// Calls with at least this many samples run as Winograd F(2x2, 3x3) (<see cref="WinogradConv"/>) instead of
        /// <see cref="Algorithm"/>; 0 when never (the compiler core's <see cref="CpuConvModel.WinogradFromBatch"/>).
        /// </summary>
        public int WinogradFromBatch { get; }

        private bool RunsWinograd(int batch) => WinogradFromBatch > 0 && batch >= WinogradFromBatch;

        /// <summary>The GEMM micro-kernel the plan uses.</summary>
        public GemmKernel Kernel { get; }

        /// <summary>Samples whose column matrices share one GEMM (1 when a feature map alone is wide enough).</summary>
        public int SamplesPerGemm { get; }

        /// <summary>
        /// Forward calls with a batch below this run each sample as a transposed GEMM (small feature maps whose
        /// column count would leave most of a tile empty); 0 when never.
        /// </summary>
        public int TransposedBelowBatch { get; }

        /// <summary>
        /// Per-thread scratch (floats) for the column matrix of the backward pass (the forward pass generates column
        /// rows while packing and needs none), or the padded planes of a depthwise convolution; 0 when none is needed.
        /// </summary>
        public long ColumnScratchLength { get; }

        /// <summary>Floats of the plan-owned packed weight buffer (0 for depthwise).</summary>
        public long PackedWeightLength { get; }

        private long PackedPerGroup => GemmEngine.PackedASize(Kernel, _g.MG, _g.KG);

        private long PackedBPerGroup => GemmEngine.PackedBSize(Kernel, _g.KG, _g.MG);

        private long PackedTPerGroup => GemmEngine.PackedASize(Kernel, _g.KG, _g.MG);

        /// <summary>
        /// output = act(conv(input, weights) + bias). <paramref name="bias"/> may be empty. Shapes: input
        /// [batch, C, H, W], weights [M, C/G, KH, KW], bias [M], output [batch, M, OH, OW].
        /// </summary>
        public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output, int batch)
        {
            CheckWeights(weights);
            CheckForward(input, bias, output, batch);
            fixed (float* x = input)
            fixed (float* w = weights)
            fixed (float* b = bias)
            fixed (float* y = output)
            {
                float* bp = bias.IsEmpty ? null : b;
                if (Algorithm == ConvAlgorithm.Depthwise)
                {
                    DepthwiseConv.Forward(_g, x, w, bp, y, batch, Descriptor.Activation, wide: Kernel == GemmKernel.Vector512x8x32);
                    return;
                }

                _prepacked = false;
                if (RunsWinograd(batch))
                {
                    PackWinograd(w);
                    RunWinograd(x, bp, y, batch);
                }
                else if (batch < TransposedBelowBatch)
                {
                    PackWeightsAsB(w);
                    RunForwardTransposed(x, bp, y, batch);
                }
                else
                {
                    PackWeightsCore(w);
                    RunForward(x, bp, y, batch);
                }
            }
        }

        /// <summary>
        /// Packs <paramref name="weights"/> into the plan for <see cref="ForwardPrepacked"/> (inference: pack once,
        /// run many times). Depthwise plans keep a copy instead.
        /// </summary>
        public void PackWeights(ReadOnlySpan<float> weights)
        {
            CheckWeights(weights);
            fixed (float* w = weights)
            {
                if (Algorithm == ConvAlgorithm.Depthwise)
                {
                    _packedW ??= AllocatePinned(Descriptor.WeightLength);
                    weights.Slice(0, Descriptor.WeightLength).CopyTo(_packedW);
                }
                else
                {
                    PackWeightsCore(w);
                    if (TransposedBelowBatch > 0)
                    {
                        PackWeightsAsB(w);
                    }

                    if (WinogradFromBatch > 0)
                    {
                        PackWinograd(w);
                    }
                }
            }

            _prepacked = true;
        }

        /// <summary>Forward with the weights given to the last <see cref="PackWeights"/> call.</summary>
        public void ForwardPrepacked(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output, int batch)
        {
            if (!_prepacked || _packedW is null || (batch < TransposedBelowBatch && _packedWB is null))
            {
                throw new InvalidOperationException("PackWeights must be called before ForwardPrepacked (and after any Forward call).");
            }

            CheckForward(input, bias, output, batch);
            fixed (float* x = input)
            fixed (float* b = bias)
            fixed (float* y = output)
            {
                float* bp = bias.IsEmpty ? null : b;
                if (Algorithm == ConvAlgorithm.Depthwise)
                {
                    DepthwiseConv.Forward(_g, x, Pin(_packedW), bp, y, batch, Descriptor.Activation, wide: Kernel == GemmKernel.Vector512x8x32);
                }
                else if (RunsWinograd(batch))
                {
                    RunWinograd(x, bp, y, batch);
                }
                else if (batch < TransposedBelowBatch)
                {
                    RunForwardTransposed(x, bp, y, batch);
                }
                else
                {
                    RunForward(x, bp, y, batch);
                }
            }
        }

        private void PackWinograd(float* w)
        {
            _packedWinograd ??= AllocatePinned(WinogradConv.PackedLength(_g, Kernel) + AlignmentSlack);
            WinogradConv.PackWeights(_g, Kernel, w, PinAligned(_packedWinograd));
        }

        private void RunWinograd(float* x, float* bias, float* y, int batch, float* residual = null, Activation residualAct = Activation.None, int poolHeight = 0, int poolWidth = 0)
        {
            var tasks = CpuConvModel.WinogradTasks(Descriptor.Shape, GemmEngine.Target(Kernel), batch, CpuWorkerPool.AvailableThreads);
            WinogradConv.Forward(_g, Kernel, tasks, x, PinAligned(_packedWinograd!), bias, y, batch, residual == null ? Descriptor.Activation : Activation.None, residual, residualAct, poolHeight, poolWidth);
        }

        /// <summary>
        /// Whether <paramref name="pool"/>, a max pool of this convolution's output, can run in the convolution's
        /// epilogue (<see cref="ForwardPrepackedMaxPool(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DDescriptor, Span{float}, int)"/>): 2x2 windows, stride 2, no padding, on the depthwise
        /// stencil (pooled from a plane in L1) or indirect positions (pooled from the tile buffer), AVX2. From
        /// <see cref="WinogradFromBatch"/> Winograd pools its 2x2 output tiles (with Relu, Relu6 or no activation; with
        /// another, indirect positions runs the pair).
        /// </summary>
        public bool CanFuseMaxPool(Pool2DDescriptor pool)
        {
            ArgumentNullException.ThrowIfNull(pool);
            bool shape = Pooling.FastWindow(pool) == 2 && pool.Channels == _g.M && pool.InHeight == _g.OH && pool.InWidth == _g.OW;
            return shape && (Algorithm == ConvAlgorithm.Depthwise || (Algorithm == ConvAlgorithm.IndirectPositions && PositionConv.CanPool2x2(_g)));
        }

        /// <summary>
        /// <see cref="ForwardPrepacked"/> followed by <paramref name="pool"/> (one <see cref="CanFuseMaxPool"/> accepts),
        /// without writing the convolution's output: <paramref name="pooledOutput"/> is [batch, M, pooled height, pooled
        /// width], the values <see cref="Pooling.MaxForward"/> gives on the convolution's output.
        /// </summary>
        public void ForwardPrepackedMaxPool(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Pool2DDescriptor pool, Span<float> pooledOutput, int batch) =>
            ForwardPrepackedMaxPool(input, bias, pool, pooledOutput, batch, default);

        /// <summary>Whether indirect positions reads the input where it is, without copying it (<see cref="PositionConv.ReadsInPlace"/>).</summary>
        internal bool ReadsInputInPlace => Algorithm == ConvAlgorithm.IndirectPositions && PositionConv.ReadsInPlace(_g);

        /// <summary>
        /// Whether <see cref="ForwardPrepackedMaxPool(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DDescriptor, Span{float}, int, PlaneBorder)"/>
        /// can write the pooled planes inside a zero border: on the depthwise stencil when it pools in registers.
        /// </summary>
        internal bool CanWritePooledWithBorder(Pool2DDescriptor pool) =>
            CanFuseMaxPool(pool) && Algorithm == ConvAlgorithm.Depthwise && DepthwiseConv.PoolsInRegisters(_g, Descriptor.Activation, pool.OutWidth);

        /// <summary>
        /// <see cref="ForwardPrepackedMaxPool(ReadOnlySpan{float}, ReadOnlySpan{float}, Pool2DDescriptor, Span{float}, int)"/>
        /// with each pooled plane written inside <paramref name="border"/> (<see cref="CanWritePooledWithBorder"/>), whose
        /// zeros the caller keeps: the next convolution then reads its padded input in place.
        /// </summary>
        internal void ForwardPrepackedMaxPool(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Pool2DDescriptor pool, Span<float> pooledOutput, int batch, PlaneBorder border)
        {
            if (border != default && !CanWritePooledWithBorder(pool))
            {
                throw new ArgumentException($"A {Algorithm} convolution cannot write its pooled {_g.M}x{pool.OutHeight}x{pool.OutWidth} output inside a border.", nameof(border));
            }

            if (!CanFuseMaxPool(pool))
            {
                throw new ArgumentException($"A {pool.KernelHeight}x{pool.KernelWidth} max pool with stride {pool.StrideHeight} of a {_g.M}x{_g.OH}x{_g.OW} output cannot run in a {Algorithm} convolution's epilogue.", nameof(pool));
            }

            if (!_prepacked || _packedW is null)
            {
                throw new InvalidOperationException("PackWeights must be called before ForwardPrepackedMaxPool (and after any Forward call).");
            }

            CheckInputs(input, bias, batch);
            CheckLength(pooledOutput, (long)batch * _g.M * (pool.OutHeight + border.Top + border.Bottom) * (pool.OutWidth + border.Left + border.Right), nameof(pooledOutput));
            if (batch == 0)
            {
                return;
            }

            fixed (float* x = input)
            fixed (float* b = bias)
            fixed (float* y = pooledOutput)
            {
                float* bp = bias.IsEmpty ? null : b;
                if (Algorithm == ConvAlgorithm.Depthwise)
                {
                    DepthwiseConv.Forward(_g, x, Pin(_packedW), bp, y, batch, Descriptor.Activation, pool.OutHeight, pool.OutWidth, Kernel == GemmKernel.Vector512x8x32, border);
                }
                else if (RunsWinograd(batch) && Activations.InRegisters(Descriptor.Activation, out _, out _))
                {
                    // Each 2x2 output tile is one pooling window: Winograd pools its tiles as it transforms them back.
                    RunWinograd(x, bp, y, batch, poolHeight: pool.OutHeight, poolWidth: pool.OutWidth);
                }
                else
                {
                    RunPositions(x, bp, y, batch, pool.OutHeight, pool.OutWidth);
                }
            }
        }

        /// <summary>
        /// Whether a residual Add of this convolution's output can run in its epilogue (<see cref="ForwardPrepackedResidual"/>):
        /// on indirect positions (and on Winograd, which runs in its place from <see cref="WinogradFromBatch"/>), when the
        /// convolution itself has no activation (the Add's comes after the sum).
        /// </summary>
        public bool CanFuseResidual => Algorithm == ConvAlgorithm.IndirectPositions && Descriptor.Activation == Activation.None;

        /// <summary>
        /// output = <paramref name="activation"/>(conv(input) + bias + <paramref name="residual"/>), residual shaped like the
        /// output: <see cref="ForwardPrepacked"/> and an Add layer in one pass, each block added while it is in cache.
        /// </summary>
        public void ForwardPrepackedResidual(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, Activation activation, Span<float> output, int batch)
        {
            if (!CanFuseResidual)
            {
                throw new InvalidOperationException($"A residual Add cannot run in the epilogue of a {Algorithm} convolution with activation {Descriptor.Activation}.");
            }

            if (!_prepacked || _packedW is null)
            {
                throw new InvalidOperationException("PackWeights must be called before ForwardPrepackedResidual (and after any Forward call).");
            }

            CheckForward(input, bias, output, batch);
            CheckLength(residual, (long)batch * Descriptor.OutputSampleLength, nameof(residual));
            if (batch == 0)
            {
                return;
            }

            fixed (float* x = input)
            fixed (float* b = bias)
            fixed (float* r = residual)
            fixed (float* y = output)
            fixed (int* taps = _taps)
            {
                if (RunsWinograd(batch))
                {
                    RunWinograd(x, bias.IsEmpty ? null : b, y, batch, r, activation);
                    return;
                }

                PositionConv.Forward(_g, Kernel, x, PinAligned(_packedW), taps, bias.IsEmpty ? null : b, y, batch, Activation.None, residual: r, residualAct: activation);
            }
        }

        /// <summary>
        /// Gradients of the convolution (before its fused activation: pass the gradient with respect to the
        /// pre-activation output, see <see cref="Activations.Backward"/>). Any of <paramref name="gradInput"/>,
        /// <paramref name="gradWeights"/>, <paramref name="gradBias"/> may be empty to skip it; each one that is given
        /// is overwritten (not accumulated).
        /// </summary>
        public void Backward(
            ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> gradOutput,
            Span<float> gradInput, Span<float> gradWeights, Span<float> gradBias, int batch)
        {
            CheckWeights(weights);
            CheckLength(input, (long)batch * Descriptor.InputSampleLength, nameof(input));
            CheckLength(gradOutput, (long)batch * Descriptor.OutputSampleLength, nameof(gradOutput));
            if (!gradInput.IsEmpty)
            {
                CheckLength(gradInput, (long)batch * Descriptor.InputSampleLength, nameof(gradInput));
            }

            if (!gradWeights.IsEmpty)
            {
                CheckLength(gradWeights, Descriptor.WeightLength, nameof(gradWeights));
            }

            if (!gradBias.IsEmpty)
            {
                CheckLength(gradBias, Descriptor.OutChannels, nameof(gradBias));
            }

            if (batch <= 0)
            {
                return;
            }

            fixed (float* x = input)
            fixed (float* w = weights)
            fixed (float* dy = gradOutput)
            fixed (float* dx = gradInput)
            fixed (float* dw = gradWeights)
            fixed (float* db = gradBias)
            {
                float* dxp = gradInput.IsEmpty ? null : dx;
                float* dwp = gradWeights.IsEmpty ? null : dw;
                if (!gradBias.IsEmpty)
                {
                    ChannelSums(dy, db, batch, _g.M, _g.OHW);
                }

                if (Algorithm == ConvAlgorithm.Depthwise)
                {
                    DepthwiseConv.Backward(_g, x, w, dy, dxp, dwp, batch);
                    return;
                }

                if (dxp == null && dwp == null)
                {
                    return;
                }

                RunBackward(x, w, dy, dxp, dwp, batch);
            }
        }

        /// <summary>sums[c] = Σ_n Σ_i x[n, c, i] for x [batch, channels, spatial] (bias gradients); parallel over channels.</summary>
        internal static void ChannelSums(float* x, float* sums, int batch, int channels, int spatial)
        {
            var job = new ChannelSumJob { X = x, Sums = sums, Batch = batch, Channels = channels, Spatial = spatial };
            int tasks = (long)batch * channels * spatial < 1 << 15 ? 1 : Math.Min(channels, CpuWorkerPool.AvailableThreads * 4);
            job.PerTask = (channels + tasks - 1) / tasks;
            CpuWorkerPool.Current.Run(ref job, (channels + job.PerTask - 1) / job.PerTask);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackWeightsCore(float* w)
        {
            _packedW ??= AllocatePinned(PackedWeightLength);
            float* dst = Pin(_packedW);
            if (Algorithm == ConvAlgorithm.IndirectRows)
            {
                RowConv.PackWeights(_g, w, dst);
                return;
            }

            if (Algorithm == ConvAlgorithm.IndirectPositions)
            {
                PositionConv.PackWeights(_g, Kernel, w, PinAligned(_packedW));
                return;
            }

            for (int grp = 0; grp < _g.G; grp++)
            {
                GemmEngine.PackA(Kernel, false, w + ((nint)grp * _g.MG * _g.KG), _g.KG, _g.MG, _g.KG, dst + (grp * PackedPerGroup), parallel: true);
            }
        }

        /// <summary>Weights of each group as the B operand Wᵀ (KG x MG) of the transposed forward.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PackWeightsAsB(float* w)
        {
            _packedWB ??= AllocatePinned(_g.G * PackedBPerGroup);
            float* dst = Pin(_packedWB);
            for (int grp = 0; grp < _g.G; grp++)
            {
                GemmEngine.PackB(Kernel, true, w + ((nint)grp * _g.MG * _g.KG), _g.KG, _g.KG, _g.MG, dst + (grp * PackedBPerGroup), parallel: true);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunForwardTransposed(float* x, float* bias, float* y, int batch)
        {
            if (batch <= 0)
            {
                return;
            }

            var job = new TransposedForwardJob
            {
                G = _g,
                Kernel = Kernel,
                X = x,
                PackedWB = Pin(_packedWB!),
                PackedBPerGroup = PackedBPerGroup,
                Bias = bias,
                Y = y,
                Act = Descriptor.Activation,
            };
            int tasks = batch * _g.G;
            int threads = CpuWorkerPool.AvailableThreads;
            int outer = threads > 1 ? tasks - (tasks % threads) : 0;
            if (outer > 0)
            {
                CpuWorkerPool.Current.Run(ref job, outer);
            }

            for (int t = outer; t < tasks; t++)
            {
                job.RunTask(t, parallel: true);
            }
        }

        /// <summary>The indirect-positions forward, with a fused 2x2 max pool of the given pooled size (0 x 0: none).</summary>
        private void RunPositions(float* x, float* bias, float* y, int batch, int poolHeight, int poolWidth)
        {
            fixed (int* taps = _taps)
            {
                PositionConv.Forward(_g, Kernel, x, PinAligned(_packedW!), taps, bias, y, batch, Descriptor.Activation, poolHeight, poolWidth);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunForward(float* x, float* bias, float* y, int batch)
        {
            if (batch <= 0)
            {
                return;
            }

            if (Algorithm == ConvAlgorithm.IndirectRows)
            {
                fixed (int* taps = _taps)
                {
                    RowConv.Forward(_g, x, Pin(_packedW!), PackedPerGroup, taps, bias, y, batch, Descriptor.Activation);
                }

                return;
            }

            if (Algorithm == ConvAlgorithm.IndirectPositions)
            {
                RunPositions(x, bias, y, batch, 0, 0);
                return;
            }

            var job = new ForwardJob
            {
                G = _g,
                Kernel = Kernel,
                X = x,
                PackedW = Pin(_packedW!),
                PackedPerGroup = PackedPerGroup,
                Bias = bias,
                Y = y,
                Batch = batch,
                Sb = SamplesPerGemm,
                Pointwise = Algorithm == ConvAlgorithm.PointwiseGemm,
                Act = Descriptor.Activation,
            };
            int chunks = (batch + SamplesPerGemm - 1) / SamplesPerGemm;
            int tasks = chunks * _g.G;
            int threads = CpuWorkerPool.AvailableThreads;
            int outer = threads > 1 ? tasks - (tasks % threads) : 0;
            if (outer > 0)
            {
                CpuWorkerPool.Current.Run(ref job, outer);
            }

            for (int t = outer; t < tasks; t++)
            {
                job.RunTask(t, parallel: true);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunBackward(float* x, float* w, float* dy, float* dx, float* dw, int batch)
        {
            if (dx != null)
            {
                _packedWT ??= AllocatePinned(_g.G * PackedTPerGroup);
                float* dst = Pin(_packedWT);
                for (int grp = 0; grp < _g.G; grp++)
                {
                    GemmEngine.PackA(Kernel, true, w + ((nint)grp * _g.MG * _g.KG), _g.KG, _g.KG, _g.MG, dst + (grp * PackedTPerGroup), parallel: true);
                }
            }

            int chunks = (batch + SamplesPerGemm - 1) / SamplesPerGemm;
            int threads = CpuWorkerPool.AvailableThreads;
            int parts = threads > 1 && chunks >= 2 ? Math.Min(threads, chunks) : 1;
            int weightLength = Descriptor.WeightLength;
            if (dw != null && parts > 1)
            {
                long need = (long)(parts - 1) * weightLength;
                if (_partialGradW is null || _partialGradW.LongLength < need)
                {
                    _partialGradW = AllocatePinned(need);
                }
            }

            var job = new BackwardJob
            {
                G = _g,
                Kernel = Kernel,
                X = x,
                PackedWT = dx == null ? null : Pin(_packedWT!),
                PackedTPerGroup = PackedTPerGroup,
                Dy = dy,
                Dx = dx,
                Dw = dw,
                Partial = dw != null && parts > 1 ? Pin(_partialGradW!) : null,
                WeightLength = weightLength,
                Batch = batch,
                Sb = SamplesPerGemm,
                Chunks = chunks,
                Parts = parts,
                Pointwise = Algorithm == ConvAlgorithm.PointwiseGemm,
            };

            if (parts > 1)
            {
                // Each part owns a fixed, strided set of chunks and its own weight-gradient buffer, so the sum
                // order (and the result) does not depend on which thread ran what.
                CpuWorkerPool.Current.Run(ref job, parts);
                if (dw != null)
                {
                    var span = new Span<float>(dw, weightLength);
                    for (int p = 1; p < parts; p++)
                    {
                        TensorPrimitives.Add(span, new ReadOnlySpan<float>(job.Partial + ((long)(p - 1) * weightLength), weightLength), span);
                    }
                }
            }
            else
            {
                for (int c = 0; c < chunks; c++)
                {
                    job.RunChunk(c, dw, c == 0 ? 0f : 1f, parallel: true);
                }
            }
        }

        private void CheckWeights(ReadOnlySpan<float> weights) => CheckLength(weights, Descriptor.WeightLength, nameof(weights));

        private void CheckForward(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, ReadOnlySpan<float> output, int batch)
        {
            CheckInputs(input, bias, batch);
            CheckLength(output, (long)batch * Descriptor.OutputSampleLength, nameof(output));
        }

        private void CheckInputs(ReadOnlySpan<float> input, ReadOnlySpan<float> bias, int batch)
        {
            if (batch < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(batch), batch, "Batch must not be negative.");
            }

            CheckLength(input, (long)batch * Descriptor.InputSampleLength, nameof(input));
            if (!bias.IsEmpty)
            {
                CheckLength(bias, Descriptor.OutChannels, nameof(bias));
            }
        }

        internal static void CheckLength(ReadOnlySpan<float> span, long needed, string name)
        {
            if (span.Length < needed)
            {
                throw new ArgumentException($"{name} has {span.Length} elements, {needed} needed.", name);
            }
        }

        internal static float[] AllocatePinned(long floats) => GC.AllocateUninitializedArray<float>((int)Math.Max(1, floats), pinned: true);

        internal static float* Pin(float[] pinned) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));

        /// <summary>The first 64-byte aligned float of a pinned buffer allocated with <see cref="AlignmentSlack"/> extra floats.</summary>
        internal static float* PinAligned(float[] pinned) => (float*)(((nint)Pin(pinned) + 63) & ~(nint)63);

        private struct ChannelSumJob : IParallelJob
        {
            public float* X;
            public float* Sums;
            public int Batch;
            public int Channels;
            public int Spatial;
            public int PerTask;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int task)
            {
                int c1 = Math.Min(Channels, (task + 1) * PerTask);
                for (int c = task * PerTask; c < c1; c++)
                {
                    double s = 0;
                    for (int n = 0; n < Batch; n++)
                    {
                        s += TensorPrimitives.Sum(new ReadOnlySpan<float>(X + (((long)n * Channels) + c) * Spatial, Spatial));
                    }

                    Sums[c] = (float)s;
                }
            }
        }

        /// <summary>im2col of a range of channels of one sample as parallel tasks.</summary>
        private struct Im2ColJob : IParallelJob
        {
            public ConvGeometry G;
            public float* X;
            public float* Col;
            public nint Ld;
            public float* Dx;
            public int PerTask;
            public bool Adjoint;

            public void Execute(int task)
            {
                int c0 = task * PerTask;
                int c1 = Math.Min(G.CG, c0 + PerTask);
                if (Adjoint)
                {
                    Im2Col.Backward(G, Col, Ld, c0, c1, Dx);
                }
                else
                {
                    Im2Col.Forward(G, X, c0, c1, Col, Ld);
                }
            }

            public static void Run(in ConvGeometry g, float* x, float* col, nint ld, float* dx, bool adjoint, bool parallel)
            {
                int threads = parallel ? CpuWorkerPool.AvailableThreads : 1;
                long work = (long)g.KG * g.OHW;
                if (threads <= 1 || work < 1 << 15 || g.CG < 2)
                {
                    if (adjoint)
                    {
                        Im2Col.Backward(g, col, ld, 0, g.CG, dx);
                    }
                    else
                    {
                        Im2Col.Forward(g, x, 0, g.CG, col, ld);
                    }

                    return;
                }

                int tasks = Math.Min(g.CG, threads * 4);
                var job = new Im2ColJob { G = g, X = x, Col = col, Ld = ld, Dx = dx, PerTask = (g.CG + tasks - 1) / tasks, Adjoint = adjoint };
                CpuWorkerPool.Current.Run(ref job, (g.CG + job.PerTask - 1) / job.PerTask);
            }
        }

        private struct ForwardJob : IParallelJob
        {
            public ConvGeometry G;
            public GemmKernel Kernel;
            public float* X;
            public float* PackedW;
            public long PackedPerGroup;
            public float* Bias;
            public float* Y;
            public int Batch;
            public int Sb;
            public bool Pointwise;
            public Activation Act;

            public void Execute(int task) => RunTask(task, parallel: false);

            /// <summary>Task = (chunk of Sb samples, group): im2col, one GEMM with fused bias and activation, scatter.</summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void RunTask(int task, bool parallel)
            {
                int chunk = task / G.G;
                int grp = task - (chunk * G.G);
                int n0 = chunk * Sb;
                int ns = Math.Min(Sb, Batch - n0);
                int ohw = G.OHW;
                int cols = ns * ohw;
                nint inSample = (nint)G.C * G.HW;
                nint outSample = (nint)G.M * ohw;
                float* xg = X + (n0 * inSample) + ((nint)grp * G.CG * G.HW);

                // The column matrix is never materialised: either it is the input itself (pointwise, one sample) or
                // the GEMM packer generates its rows from the input (implicit im2col).
                var columns = new ImplicitColumns { G = G, X = xg, InSample = inSample };
                bool direct = Pointwise && ns == 1;

                float* c;
                nint ldc;
                if (ns == 1)
                {
                    c = Y + (n0 * outSample) + ((nint)grp * G.MG * ohw);
                    ldc = ohw;
                }
                else
                {
                    c = ThreadScratch.Get(ScratchSlot.ConvTemp, (long)G.MG * cols);
                    ldc = cols;
                }

                var p = new GemmProblem
                {
                    M = G.MG,
                    N = cols,
                    K = G.KG,
                    Alpha = 1f,
                    Beta = 0f,
                    PackedA = PackedW + (grp * PackedPerGroup),
                    B = direct ? xg : null,
                    Ldb = ohw,
                    BRow = direct ? null : &Im2Col.FillRow,
                    BRowContext = &columns,
                    C = c,
                    Ldc = ldc,
                    BiasM = Bias == null ? null : Bias + ((nint)grp * G.MG),
                    Activation = Act,
                };
                GemmEngine.Compute(Kernel, ref p, parallel);

                if (ns > 1)
                {
                    for (int s = 0; s < ns; s++)
                    {
                        float* yg = Y + ((n0 + s) * outSample) + ((nint)grp * G.MG * ohw);
                        for (int oc = 0; oc < G.MG; oc++)
                        {
                            Buffer.MemoryCopy(c + (oc * ldc) + ((nint)s * ohw), yg + ((nint)oc * ohw), (long)ohw * 4, (long)ohw * 4);
                        }
                    }
                }
            }
        }

        /// <summary>Task = (sample, group): im2col, then Yᵀ = colᵀ·Wᵀ written transposed, i.e. straight into NCHW.</summary>
        private struct TransposedForwardJob : IParallelJob
        {
            public ConvGeometry G;
            public GemmKernel Kernel;
            public float* X;
            public float* PackedWB;
            public long PackedBPerGroup;
            public float* Bias;
            public float* Y;
            public Activation Act;

            public void Execute(int task) => RunTask(task, parallel: false);

            public void RunTask(int task, bool parallel)
            {
                int n = task / G.G;
                int grp = task - (n * G.G);
                int ohw = G.OHW;
                float* xg = X + (n * ((nint)G.C * G.HW)) + ((nint)grp * G.CG * G.HW);
                float* col = ThreadScratch.Get(ScratchSlot.Columns, (long)G.KG * ohw);
                Im2ColJob.Run(G, xg, col, ohw, null, adjoint: false, parallel);
                float* packedA = ThreadScratch.Get(ScratchSlot.PackA, GemmEngine.PackedASize(Kernel, ohw, G.KG));
                GemmEngine.PackA(Kernel, true, col, ohw, ohw, G.KG, packedA, parallel);
                var p = new GemmProblem
                {
                    M = ohw,
                    N = G.MG,
                    K = G.KG,
                    Alpha = 1f,
                    Beta = 0f,
                    PackedA = packedA,
                    PackedB = PackedWB + (grp * PackedBPerGroup),
                    C = Y + (n * ((nint)G.M * ohw)) + ((nint)grp * G.MG * ohw),
                    Ldc = ohw,
                    TransC = true,
                    BiasN = Bias == null ? null : Bias + ((nint)grp * G.MG),
                    Activation = Act,
                };
                GemmEngine.Compute(Kernel, ref p, parallel);
            }
        }

        private struct BackwardJob : IParallelJob
        {
            public ConvGeometry G;
            public GemmKernel Kernel;
            public float* X;
            public float* PackedWT;
            public long PackedTPerGroup;
            public float* Dy;
            public float* Dx;
            public float* Dw;
            public float* Partial;
            public int WeightLength;
            public int Batch;
            public int Sb;
            public int Chunks;
            public int Parts;
            public bool Pointwise;

            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void Execute(int part)
            {
                float* target = Dw == null ? null : part == 0 ? Dw : Partial + ((long)(part - 1) * WeightLength);
                bool first = true;
                for (int c = part; c < Chunks; c += Parts)
                {
                    RunChunk(c, target, first ? 0f : 1f, parallel: false);
                    first = false;
                }
            }

            /// <summary>
            /// One chunk of samples, every group: dW_g (+)= dY·colᵀ, then dcol = W_gᵀ·dY and col2im into dx.
            /// </summary>
            [MethodImpl(MethodImplOptions.AggressiveOptimization)]
            public void RunChunk(int chunk, float* dwTarget, float betaW, bool parallel)
            {
                int n0 = chunk * Sb;
                int ns = Math.Min(Sb, Batch - n0);
                int ohw = G.OHW;
                int cols = ns * ohw;
                nint inSample = (nint)G.C * G.HW;
                nint outSample = (nint)G.M * ohw;
                bool direct = Pointwise && ns == 1;
                for (int grp = 0; grp < G.G; grp++)
                {
                    float* xg = X + (n0 * inSample) + ((nint)grp * G.CG * G.HW);
                    float* dxg = Dx == null ? null : Dx + (n0 * inSample) + ((nint)grp * G.CG * G.HW);

                    // The output gradient of this chunk and group as one [MG x cols] matrix.
                    float* dyg;
                    nint lddy;
                    if (ns == 1)
                    {
                        dyg = Dy + (n0 * outSample) + ((nint)grp * G.MG * ohw);
                        lddy = ohw;
                    }
                    else
                    {
                        dyg = ThreadScratch.Get(ScratchSlot.ConvTemp, (long)G.MG * cols);
                        lddy = cols;
                        for (int s = 0; s < ns; s++)
                        {
                            float* src = Dy + ((n0 + s) * outSample) + ((nint)grp * G.MG * ohw);
                            for (int oc = 0; oc < G.MG; oc++)
                            {
                                Buffer.MemoryCopy(src + ((nint)oc * ohw), dyg + (oc * lddy) + ((nint)s * ohw), (long)ohw * 4, (long)ohw * 4);
                            }
                        }
                    }

                    float* col = null;
                    nint ldcol = cols;
                    if (!direct)
                    {
                        col = ThreadScratch.Get(ScratchSlot.Columns, (long)G.KG * cols);
                    }

                    if (dwTarget != null)
                    {
                        float* bmat = xg;
                        nint ldb = ohw;
                        if (!direct)
                        {
                            for (int s = 0; s < ns; s++)
                            {
                                Im2ColJob.Run(G, xg + (s * inSample), col + ((nint)s * ohw), ldcol, null, adjoint: false, parallel);
                            }

                            bmat = col;
                            ldb = ldcol;
                        }

                        GemmEngine.Multiply(Kernel, false, true, G.MG, G.KG, cols, 1f, dyg, lddy, bmat, ldb, betaW,
                            dwTarget + ((nint)grp * G.MG * G.KG), G.KG, transC: false, null, null, Activation.None, parallel);
                    }

                    if (dxg != null)
                    {
                        var p = new GemmProblem
                        {
                            M = G.KG,
                            N = cols,
                            K = G.MG,
                            Alpha = 1f,
                            Beta = 0f,
                            PackedA = PackedWT + (grp * PackedTPerGroup),
                            B = dyg,
                            Ldb = lddy,
                            C = direct ? dxg : col,
                            Ldc = direct ? G.HW : ldcol,
                        };
                        GemmEngine.Compute(Kernel, ref p, parallel);
                        if (!direct)
                        {
                            for (int s = 0; s < ns; s++)
                            {
                                float* dxs = dxg + (s * inSample);
                                for (int c = 0; c < G.CG; c++)
                                {
                                    new Span<float>(dxs + ((nint)c * G.HW), G.HW).Clear();
                                }

                                Im2ColJob.Run(G, null, col + ((nint)s * ohw), ldcol, dxs, adjoint: true, parallel);
                            }
                        }
                    }
                }
            }
        }
    }
}
