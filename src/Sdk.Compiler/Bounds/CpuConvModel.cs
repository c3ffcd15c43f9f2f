using System;

namespace Sdk.Compiler;

/// <summary>The algorithms of the vectorised CPU backend's convolution (the runtime's <c>ConvAlgorithm</c>: same names and values).</summary>
public enum CpuConvAlgorithm
{
    Im2ColGemm = 0,
    PointwiseGemm = 1,
    Depthwise = 2,
    IndirectRows = 3,
    IndirectPositions = 4,
    Winograd = 5,
}

/// <summary>
/// What the vectorised CPU backend does with a convolution, described in the core so that the report (built by the
/// generator, which knows no backend) can count its traffic: the algorithm and blocking for a shape, a batch and a
/// thread count, as a <see cref="ConvTiling"/>, and the on-chip memory that tiling blocks for. The rules that choose
/// (<see cref="Algorithm"/>, <see cref="SamplesPerGemm"/>, <see cref="TransposedBelowBatch"/>, <see cref="PositionTasks"/>,
/// <see cref="RowBlocks"/>, <see cref="RowChannelBlock"/>) are the runtime's own: its <c>ConvPlan</c>, <c>PositionConv</c>
/// and <c>RowConv</c> call them. The loop nests follow <c>PositionConv</c>, <c>RowConv</c>, <c>DepthwiseConv</c> and
/// <c>GemmDriver.ComputeBlock</c>; <c>ConvModelAgreementTests</c> checks the blocking constants against the kernels'.
/// </summary>
public static class CpuConvModel
{
    /// <summary>A GEMM narrower than this is widened with more samples (the runtime's <c>ConvPlan.TargetGemmColumns</c> is this constant).</summary>
    public const int TargetGemmColumns = 256;

    /// <summary>The most floats of one thread's column matrix, so batching samples never blows the caches (<see cref="SamplesPerGemm"/>).</summary>
    public const long MaxColumnFloats = 2L << 20;

    /// <summary>
    /// Output positions of one indirect-positions task, a multiple of both positions tiles' MR (6 and 8) and of 8: its tile
    /// buffer, 15 KiB at 16 channels (AVX2) and 30 KiB at 32 (AVX-512), stays in L1 (<c>PositionConv.MaxPositionsPerTask</c> is this constant).
    /// </summary>
    public const int PositionsPerTask = 240;

    /// <summary>Output columns of the indirect-rows kernel's register tile (two AVX2 vectors; <c>RowConv.NR</c> is this constant).</summary>
    public const int RowTileColumns = 16;

    /// <summary>
    /// Output positions per map from which a layer less than 32 deep runs on indirect positions: 3-channel 3x3 layers on
    /// 10x10 and 16x16 maps ran 1.05-1.7x faster so than on im2col + GEMM at batch 1, on 8x8 maps 0.77-0.95x and on 4x4
    /// maps 0.5-0.7x (im2col runs them as one transposed GEMM there, while positions splits the channels over the
    /// threads), 7x7 0.87-1.08x; Zen 5, both widths, two runs. At batch 32 positions won on all of them (1.8-2.5x).
    /// </summary>
    public const int ShallowPositionsMinMap = 100;

    /// <summary>The least share of the positions tile's channels a group's output channels must fill (<see cref="Algorithm"/>).</summary>
    public const double PositionsChannelFill = 0.75;

    /// <summary>The weights block the indirect-rows kernel keeps in L2 while every row tile passes (<c>RowConv.Forward</c>).</summary>
    public const int RowWeightBytes = 192 * 1024;

    /// <summary>
    /// The plan for <paramref name="batch"/> samples on <paramref name="threads"/> threads; with <paramref name="winograd"/>
    /// false, the direct method's plan even where Winograd would run (<see cref="WinogradFromBatch"/>).
    /// </summary>
    public static CpuConvChoice Choose(ConvolutionShape shape, CpuGemmTarget target, int batch, int threads = 1, bool winograd = true)
    {
        if (!shape.IsValid || batch < 1 || threads < 1)
        {
            throw new ArgumentException($"No CPU plan for {shape} at batch {batch} on {threads} threads.");
        }

        var winogradFrom = WinogradFromBatch(shape, target);
        if (winograd && winogradFrom > 0 && batch >= winogradFrom)
        {
            return Winograd(shape, target, batch, threads);
        }

        var algorithm = Algorithm(shape, target);
        var perGemm = SamplesPerGemm(shape, algorithm);
        var transposedBelow = TransposedBelowBatch(shape, target, algorithm, perGemm);
        var units = batch * shape.Groups;
        return algorithm switch
        {
            CpuConvAlgorithm.Depthwise => Depthwise(shape, target),
            CpuConvAlgorithm.IndirectPositions => Positions(shape, target, units, threads),
            CpuConvAlgorithm.IndirectRows => Rows(shape, target, units, threads),
            _ when batch < transposedBelow => Transposed(shape, target, algorithm, perGemm, transposedBelow),
            _ => Gemm(shape, target, algorithm, perGemm, transposedBelow),
        };
    }

    /// <summary>Samples side by side in one GEMM until it has <see cref="TargetGemmColumns"/> columns, its column matrix at most <see cref="MaxColumnFloats"/>; 1 for the direct algorithms.</summary>
    public static int SamplesPerGemm(ConvolutionShape shape, CpuConvAlgorithm algorithm)
    {
        if (algorithm is CpuConvAlgorithm.Depthwise or CpuConvAlgorithm.IndirectRows or CpuConvAlgorithm.IndirectPositions)
        {
            return 1;
        }

        var ohw = shape.Positions;
        var samples = Math.Max(1, (TargetGemmColumns + ohw - 1) / ohw);
        while (samples > 1 && (long)shape.Depth * ohw * samples > MaxColumnFloats)
        {
            samples--;
        }

        return samples;
    }

    /// <summary>
    /// Below this batch too few samples fill a GEMM's tiles, so each sample runs transposed, Yᵀ = colᵀ·Wᵀ (output
    /// positions as tile rows, channels as tile columns); 0 when never.
    /// </summary>
    public static int TransposedBelowBatch(ConvolutionShape shape, CpuGemmTarget target, CpuConvAlgorithm algorithm, int samplesPerGemm)
    {
        var below = 0;
        if (algorithm == CpuConvAlgorithm.Depthwise || samplesPerGemm <= 1)
        {
            return below;
        }

        var ohw = shape.Positions;
        var transposedFill = Fill(ohw, target.MR) * Fill(shape.OutPerGroup, target.NR);
        for (var b = 1; b < samplesPerGemm; b++)
        {
            if (Fill(b * ohw, target.NR) * 1.25 < transposedFill)
            {
                below = b + 1;
            }
        }

        return below;
    }

    /// <summary>The share of tile slots a dimension of <paramref name="x"/> fills in tiles of <paramref name="tile"/> (<c>GemmEngine.Fill</c>).</summary>
    public static double Fill(int x, int tile) => (double)x / RoundUp(x, tile);

    /// <summary>
    /// The algorithm for a shape: depthwise for one input channel per group (a GEMM with K = KH·KW is all packing, no
    /// reuse); a plain GEMM for 1x1, stride 1, unpadded; indirect positions where the target has a positions tile (AVX2's
    /// 6 x 16, AVX-512's 8 x 32) and its channels fill, then indirect rows (AVX2 only) where their tiles fill (both measured
    /// faster there); im2col + GEMM otherwise. The runtime's <c>ConvPlan</c> takes this choice as it is.
    /// </summary>
    public static CpuConvAlgorithm Algorithm(ConvolutionShape s, CpuGemmTarget target)
    {
        var oneByOne = s.KernelHeight == 1 && s.KernelWidth == 1 && s.StrideHeight == 1 && s.StrideWidth == 1 &&
            s.PadTop == 0 && s.PadLeft == 0 && s.PadBottom == 0 && s.PadRight == 0;
        if (s.Groups == s.InChannels)
        {
            return CpuConvAlgorithm.Depthwise;
        }

        if (oneByOne)
        {
            return CpuConvAlgorithm.PointwiseGemm;
        }

        // Indirect rows: stride-1 rows of at least 12 outputs, at most 15% of the 16-column tiles wasted.
        var tiles = (s.OutWidth + RowTileColumns - 1) / RowTileColumns;
        var rows = target.IndirectRows && s.StrideWidth == 1 && s.OutWidth >= 12 && tiles * RowTileColumns <= s.OutWidth * 1.15;

        // Indirect positions: channels fill 3/4 of the tile's channels (16 on AVX2; 32 on AVX-512, where 24 of 32 is
        // enough and 16 is not) and a real window (1x1 strided projections at batch 32 measured up to 17% slower on
        // it). A depth below 32 (a 3-channel stem) needs maps of ShallowPositionsMinMap positions, and indirect rows
        // keeps the shapes it takes: 1.00x at batch 1 and 1.08x at 32 against positions on ResNet-18's stem (Zen 5,
        // AVX2 kernels). Against im2col + GEMM such layers ran 1.0-1.6x faster on positions at batch 32 and 1.8-3.4x
        // at batch 1 (the stem's 27-deep GEMM stays below the parallel threshold there), on both widths. Otherwise any
        // map size: a small map with few samples splits its output channels over the threads (PositionTasks);
        // ResNet-18's 512-channel 4x4 layers ran 1.4x (AVX-512) and 1.6x (AVX2) faster so than as im2col + GEMM at
        // batch 1, and 1.3x and 1.1x at batch 32.
        if (target.IndirectPositions && Fill(s.OutPerGroup, target.PositionsNR) >= PositionsChannelFill && s.Taps > 1 && (s.Depth >= 32 || (!rows && s.Positions >= ShallowPositionsMinMap)))
        {
            return CpuConvAlgorithm.IndirectPositions;
        }

        if (rows)
        {
            return CpuConvAlgorithm.IndirectRows;
        }

        return CpuConvAlgorithm.Im2ColGemm;
    }

    /// <summary>
    /// The batch from which a 3x3, stride-1, ungrouped convolution runs as Winograd F(2x2, 3x3) instead of
    /// <see cref="Algorithm"/>'s choice (0: never): on the AVX2 and AVX-512 kernels, with at least
    /// <see cref="WinogradMinChannels"/> input channels (32 and 64), once
    /// the call's 2x2 output tiles fill one GEMM tile width (NR) and tiles x C x M reaches <see cref="WinogradMinWork"/>.
    /// Measured per layer, alternately in one process (docs/cpu-kernels.md): ResNet-18's 3x3 layers ran 1.2-1.8x faster
    /// from there; below it (an 8x8 map at batch 1 on AVX-512: 16 tiles in a 32-wide GEMM tile; 512 channels on 4x4 at
    /// batch 1) the transforms and half-empty tiles made it 0.2-0.9x, and with fewer input channels the GEMMs are too
    /// shallow to pay for them (<see cref="WinogradMinChannels"/>; 8 channels 0.6-0.8x).
    /// </summary>
    public static int WinogradFromBatch(ConvolutionShape s, CpuGemmTarget target)
    {
        if (!target.IndirectPositions || s.KernelHeight != 3 || s.KernelWidth != 3 || s.StrideHeight != 1 || s.StrideWidth != 1 ||
            s.DilationHeight != 1 || s.DilationWidth != 1 || s.Groups != 1 || s.InChannels < WinogradMinChannels(target))
        {
            return 0;
        }

        long tiles = (long)WinogradTiles(s.OutHeight) * WinogradTiles(s.OutWidth);
        var work = tiles * s.InChannels * s.OutChannels;
        return (int)Math.Max((target.NR + tiles - 1) / tiles, (WinogradMinWork + work - 1) / work);
    }

    /// <summary>
    /// The fewest input channels (the 16 GEMMs' depth) with which Winograd pays for its transforms: 32 on AVX2, 64 on
    /// AVX-512, whose direct kernel is twice as fast. The Fashion CNN's 32 → 64 layer on 14x14 at batch 32 ran 1.05x
    /// (1.3x with its max pool fused) on AVX2 and 0.87x (1.0x) on AVX-512.
    /// </summary>
    public static int WinogradMinChannels(CpuGemmTarget target) => target.NR >= 32 ? 64 : 32;

    /// <summary>Tiles × input channels × output channels from which Winograd pays for its transforms (<see cref="WinogradFromBatch"/>).</summary>
    public const long WinogradMinWork = 1L << 18;

    /// <summary>Floats of one block of a Winograd task's products (16 x channels x tiles): 256 KiB (<c>WinogradConv</c>'s block).</summary>
    public const int WinogradProductFloats = 1 << 16;

    /// <summary>Floats of one Winograd task's transformed input (16 x C x tiles): 512 KiB, half of Zen 4/5's L2.</summary>
    public const int WinogradInputFloats = 1 << 17;

    /// <summary>
    /// Floats of one row of a Winograd task's padded input (<c>WinogradConv</c>): two per tile, and 18 more, so that a
    /// group of 8 tiles starting at a row's last tile reads in bounds.
    /// </summary>
    public static int WinogradPlaneWidth(int outWidth) => (2 * WinogradTiles(outWidth)) + 18;

    /// <summary>2x2 output tiles along a dimension of <paramref name="outputs"/>.</summary>
    public static int WinogradTiles(int outputs) => (outputs + 1) / 2;

    /// <summary>
    /// How a Winograd call splits into tasks (<c>WinogradConv.Forward</c>): whole samples when a sample's tiles fit
    /// <see cref="WinogradInputFloats"/> (several, at most that many tiles: as many as fit when the transformed weights
    /// outweigh a task's transformed input, which each task reads again, else keeping two tasks per thread), else bands of
    /// whole tile rows (two output rows each), at least two tasks per thread; fewer tasks than threads share the output
    /// channels out (each share transforms the input again, and reads only its share of the weights).
    /// </summary>
    public static WinogradTasks WinogradTasks(ConvolutionShape s, CpuGemmTarget target, int batch, int threads)
    {
        int th = WinogradTiles(s.OutHeight), tw = WinogradTiles(s.OutWidth), perSample = th * tw;
        var budget = Math.Max(target.NR, WinogradInputFloats / 16 / s.InChannels / target.NR * target.NR);
        int samples = 1, rows = th, bands = 1;
        if (perSample <= budget)
        {
            // Every task reads all the transformed weights it uses (16 x C x M): when they outweigh a full task's
            // transformed input (16 x C x tiles), tasks take as many samples as fit and the threads share the output
            // channels out instead.
            var most = Math.Max(1, Math.Min(budget / perSample, batch));
            var weightsOutweigh = s.OutChannels > (long)most * perSample;
            samples = weightsOutweigh ? most : Math.Max(1, Math.Min(most, (batch + (2 * threads) - 1) / (2 * threads)));
        }
        else
        {
            rows = Math.Max(1, budget / tw);
            var wanted = Math.Max((th + rows - 1) / rows, ((2 * threads) + batch - 1) / batch);
            rows = (th + Math.Min(th, wanted) - 1) / Math.Min(th, wanted);
            bands = (th + rows - 1) / rows;
        }

        var runs = ((batch + samples - 1) / samples) * bands;
        var blocks = (s.OutChannels + target.MR - 1) / target.MR;
        var splits = runs >= threads ? 1 : Math.Min(blocks, (threads + runs - 1) / runs);
        var perSplit = (blocks + splits - 1) / splits;
        return new WinogradTasks(samples, rows, bands, (blocks + perSplit - 1) / perSplit, perSplit * target.MR);
    }

    /// <summary>
    /// Winograd F(2x2, 3x3) (<c>WinogradConv</c>): per task, its input rows padded once, transformed (16 x C x tiles) and
    /// packed on chip; the transformed weights (16 words per output and input channel, where the direct methods read 9)
    /// once per task; the 16 products per block of output channels on chip; each output stored once. (The lower bound
    /// counts the direct method's products, which Winograd does not compute: <c>ConvBounds.Report</c> compares no ratio.)
    /// </summary>
    private static CpuConvChoice Winograd(ConvolutionShape s, CpuGemmTarget target, int batch, int threads)
    {
        var tasks = WinogradTasks(s, target, batch, threads);
        int tiles = tasks.Samples * tasks.TileRows * WinogradTiles(s.OutWidth);
        var tiling = new ConvTiling
        {
            Name = "Winograd F(2x2, 3x3)",
            Rectangle = new ConvTile(tasks.Samples, Math.Min(s.OutHeight, 2 * tasks.TileRows), s.OutWidth, tasks.ChannelsPerSplit),
            Channels = tasks.ChannelsPerSplit,
            ChannelRounding = target.MR,
            Depth = s.Depth,
            InputResident = true,
            WholeRows = true,
            InputCopies = tasks.ChannelSplits,
            WeightsPerChannelPair = 16,
        };
        // On chip: the packed transformed input, a block of the 16 products (256 KiB), one channel's padded rows.
        var transformed = 16L * s.InChannels * RoundUp(tiles, target.NR);
        var products = 16L * Math.Max(target.MR, WinogradProductFloats / 16 / (tiles + 8) / target.MR * target.MR) * (tiles + 8);
        var plane = (long)((2 * tasks.TileRows) + 2) * WinogradPlaneWidth(s.OutWidth);
        return new CpuConvChoice(CpuConvAlgorithm.Winograd, target, tiling, transformed + products + plane)
        {
            Blocking = $"{tiles} tiles ({(tasks.Samples > 1 ? $"{tasks.Samples} samples" : $"{2 * tasks.TileRows} output rows")}) per task{(tasks.ChannelSplits > 1 ? $", channels in {tasks.ChannelSplits} shares" : "")}; the transformed input, packed (16 x {s.InChannels} x {tiles}), and blocks of the 16 products on chip",
        };
    }

    /// <summary>Each (sample, channel) plane: its input plane copied once, zero-padded, and the stencil over it.</summary>
    private static CpuConvChoice Depthwise(ConvolutionShape s, CpuGemmTarget target)
    {
        var tiling = new ConvTiling
        {
            Name = "depthwise stencil",
            RunPositions = s.Positions,
            Channels = s.OutPerGroup,
            Depth = s.Depth,
            InputResident = true,
            WholeRows = true,
        };
        return new CpuConvChoice(CpuConvAlgorithm.Depthwise, target, tiling, (long)PaddedHeight(s) * PaddedWidth(s))
        {
            Blocking = $"one padded {PaddedHeight(s)}x{PaddedWidth(s)} plane",
        };
    }

    /// <summary>
    /// Tasks of a sample's consecutive output positions (<c>PositionConv.Split</c>): their input rows copied once into
    /// padded planes, then every NR-channel sliver of the weights (16 on AVX2, 32 on AVX-512), the whole depth summed in
    /// registers per MR positions (6 or 8).
    /// </summary>
    private static CpuConvChoice Positions(ConvolutionShape s, CpuGemmTarget target, int units, int threads)
    {
        var nr = target.PositionsNR;
        var tasks = PositionTasks(s.Positions, units / s.Groups, s.Groups, threads, (s.OutPerGroup + nr - 1) / nr, (long)s.OutPerGroup * s.Depth, (long)s.InPerGroup * PaddedHeight(s) * PaddedWidth(s));
        var perRun = tasks.PerRun;
        var tiling = new ConvTiling
        {
            Name = "indirect positions",
            RunPositions = perRun,
            Channels = nr,
            ChannelRounding = nr,
            Depth = s.Depth,
            InputResident = true,
            WholeRows = true,
            InputCopies = tasks.ChannelSplits, // each share pads its own copy
            ChunkSamples = tasks.Samples,
        };
        var rows = tasks.Samples > 1 ? tasks.Samples * PaddedHeight(s) : MostRowsRead(s, perRun);
        var words = ((long)s.InPerGroup * rows * PaddedWidth(s)) + ((long)nr * s.Depth) + ((long)PositionsPerTask * nr);
        return new CpuConvChoice(CpuConvAlgorithm.IndirectPositions, target, tiling, words)
        {
            PositionsPerTask = perRun,
            Blocking = $"{perRun} positions{(tasks.Samples > 1 ? $" of {tasks.Samples} samples" : "")} x {nr} channels per task ({target.PositionsMR} x {nr} tiles{(tasks.ChannelSplits > 1 ? $", channels in {tasks.ChannelSplits} shares" : "")}); input rows, a {nr} x {s.Depth} weight sliver and a {PositionsPerTask} x {nr} tile buffer on chip",
        };
    }

    /// <summary>
    /// Tasks of whole output rows (<c>RowConv.Blocks</c>): their input rows copied once, then blocks of output channels whose
    /// packed weights stay in L2 (<c>RowConv.ChannelBlock</c>), every 16-column row tile over the whole depth in registers.
    /// </summary>
    private static CpuConvChoice Rows(ConvolutionShape s, CpuGemmTarget target, int units, int threads)
    {
        var blocks = RowBlocks(s.OutHeight, units, threads);
        var rowsPerBlock = (s.OutHeight + blocks - 1) / blocks;
        var channels = RowChannelBlock(s.Depth, target.MR);
        var tiling = new ConvTiling
        {
            Name = "indirect rows",
            RunPositions = rowsPerBlock * s.OutWidth,
            Channels = channels,
            ChannelRounding = target.MR,
            Depth = s.Depth,
            InputResident = true,
            WholeRows = true,
        };
        var rows = ((rowsPerBlock - 1) * s.StrideHeight) + ((s.KernelHeight - 1) * s.DilationHeight) + 1;
        var words = ((long)s.InPerGroup * rows * PaddedWidth(s)) + ((long)RoundUp(Math.Min(channels, s.OutPerGroup), target.MR) * s.Depth);
        return new CpuConvChoice(CpuConvAlgorithm.IndirectRows, target, tiling, words)
        {
            RowsPerTask = rowsPerBlock,
            ChannelBlock = channels,
            Blocking = $"{rowsPerBlock} output rows per task, {Math.Min(channels, s.OutPerGroup)} output channels per weight block in L2",
        };
    }

    /// <summary>
    /// One GEMM per chunk of samples and group, W·columns, with the column matrix generated while packing (BLIS order:
    /// NC columns, KC-deep panels of B, MC-row blocks of the packed weights; C goes back to memory after every panel).
    /// </summary>
    private static CpuConvChoice Gemm(ConvolutionShape s, CpuGemmTarget target, CpuConvAlgorithm algorithm, int perGemm, int transposedBelow)
    {
        var tiling = new ConvTiling
        {
            Name = algorithm == CpuConvAlgorithm.PointwiseGemm ? "pointwise GEMM" : "im2col + GEMM",
            RunPositions = target.NC,
            ChunkSamples = perGemm,
            Channels = target.MC,
            ChannelRounding = target.MR,
            Depth = target.KC,
            DepthOutside = true,
            OutputsCopied = perGemm > 1,
        };
        var columns = RoundUp((int)Math.Min(target.NC, (long)perGemm * s.Positions), target.NR);
        var depth = Math.Min(target.KC, s.Depth);
        var words = ((long)depth * columns) + ((long)RoundUp(Math.Min(target.MC, s.OutPerGroup), target.MR) * depth);
        return new CpuConvChoice(algorithm, target, tiling, words)
        {
            SamplesPerGemm = perGemm,
            TransposedBelowBatch = transposedBelow,
            Blocking = $"{perGemm} sample(s) per GEMM; a {depth} x {columns} panel of columns and a {Math.Min(target.MC, s.OutPerGroup)} x {depth} block of weights",
        };
    }

    /// <summary>
    /// A batch below <see cref="CpuConvChoice.TransposedBelowBatch"/>: per sample, the column matrix written out and packed,
    /// then Yᵀ = colᵀ·Wᵀ against the weights packed once as B; partial sums go back to memory after every KC panel.
    /// </summary>
    private static CpuConvChoice Transposed(ConvolutionShape s, CpuGemmTarget target, CpuConvAlgorithm algorithm, int perGemm, int transposedBelow)
    {
        var tiling = new ConvTiling
        {
            Name = "transposed GEMM",
            RunPositions = s.Positions,
            Channels = target.NC,
            ChannelRounding = target.NR,
            Depth = target.KC,
            DepthOutside = true,
            InputResident = true,
        };
        var depth = Math.Min(target.KC, s.Depth);
        var words = ((long)s.Depth * s.Positions) + ((long)s.Depth * RoundUp(s.Positions, target.MR)) + ((long)depth * RoundUp(Math.Min(target.NC, s.OutPerGroup), target.NR));
        return new CpuConvChoice(algorithm, target, tiling, words)
        {
            SamplesPerGemm = perGemm,
            TransposedBelowBatch = transposedBelow,
            Transposed = true,
            Blocking = $"per sample: the {s.Depth} x {s.Positions} column matrix and its packed copy, {depth}-deep panels of the weights",
        };
    }

    /// <summary>
    /// The tasks of indirect positions for <paramref name="batch"/> samples of <paramref name="groups"/> groups. Maps of at
    /// most half of <see cref="PositionsPerTask"/> positions go several samples to a task (<c>Samples</c>, positions
    /// flattened across the samples), so the weights are read once for up to <see cref="PositionsPerTask"/> positions, not
    /// once per sample, keeping at least two tasks per thread. Otherwise runs of a multiple of 24 positions (whole 6- and
    /// 8-position tiles and 8x8 transposes), at most <see cref="PositionsPerTask"/>: whole maps when there are enough
    /// (sample, group) units to keep every thread busy, else about four tasks per thread, split along the positions when
    /// a group's padded input (<paramref name="inputFloats"/>) outweighs its weights (<paramref name="weightFloats"/>),
    /// else along the output channels in shares of whole <paramref name="channelBlocks"/> (<c>ChannelSplits</c>): a task
    /// reads its share of the weights and pads its own copy of the input, where a split of the positions reads all the
    /// weights in every task. At most one share per thread: more shares pad the input more often, and padding it once
    /// for all of them made every thread read lines the other had just written. Measured alternately in one process
    /// (Zen 5, AVX-512, 2 threads, batch 1, against up to four shares per thread with the input padded once before the
    /// job): strided 3x3 layers 64 → 128 on 32x32 0.88-1.12x (two runs of the machine one way, one the other), 128 →
    /// 256 on 16x16 1.32-1.34x, 128 → 256 on 28x28 1.21-1.22x, 256 → 512 on 14x14 1.12-1.15x; stride 1 128 channels on
    /// 8x8 1.11x, 256 on 8x8 1.02-1.05x, 512 on 4x4 0.98-0.99x, 512 on 7x7 0.99-1.01x. (With a max pool in the
    /// epilogue, <c>PositionConv.Forward</c> splits by whole row pairs instead.)
    /// </summary>
    public static PositionTasks PositionTasks(int positions, int batch, int groups, int threads, int channelBlocks, long weightFloats, long inputFloats)
    {
        var units = batch * groups;
        if (positions * 2 <= PositionsPerTask && batch > 1)
        {
            // Chunks of samples: as many as fit a task, but at least two tasks per thread when the batch allows.
            var most = PositionsPerTask / positions;
            var chunks = Math.Max((batch + most - 1) / most, Math.Min(batch, (2 * threads + groups - 1) / groups));
            var samples = (batch + chunks - 1) / chunks;
            if (samples > 1)
            {
                return new PositionTasks(samples, 1, samples * positions, 1);
            }
        }

        var mapRuns = (positions + PositionsPerTask - 1) / PositionsPerTask;
        var wanted = units >= threads * 2 ? 1 : ((threads * 4) + units - 1) / units;
        var splits = 1;
        var runs = Math.Max(mapRuns, wanted);
        if (wanted > mapRuns && weightFloats > inputFloats && channelBlocks > 1)
        {
            var shares = Math.Min(Math.Min(channelBlocks, threads), (wanted + mapRuns - 1) / mapRuns);
            var perShare = (channelBlocks + shares - 1) / shares;
            splits = (channelBlocks + perShare - 1) / perShare;
            runs = mapRuns;
        }

        var perRun = Math.Min(PositionsPerTask, RoundUp((positions + runs - 1) / runs, 24));
        return new PositionTasks(1, (positions + perRun - 1) / perRun, perRun, splits);
    }

    /// <summary>The tasks of indirect rows per (sample, group): 1 when there are enough units for every thread, else the rows split for about four tasks per thread.</summary>
    public static int RowBlocks(int outHeight, int units, int threads) =>
        units >= threads * 2 ? 1 : Math.Min(outHeight, ((threads * 4) + units - 1) / units);

    /// <summary>Output channels per block of indirect rows: as many as fill <see cref="RowWeightBytes"/> of packed weights, a multiple of MR.</summary>
    public static int RowChannelBlock(int depth, int mr) => Math.Max(mr, RowWeightBytes / 4 / Math.Max(1, depth) / mr * mr);

    /// <summary>Rows of the padded input the positions of one run read, at most (<c>ConvGeometry.PadGroupRows</c>).</summary>
    private static int MostRowsRead(ConvolutionShape s, int perRun)
    {
        var most = 0;
        for (var q0 = 0; q0 < s.Positions; q0 += perRun)
        {
            var oh0 = q0 / s.OutWidth;
            var oh1 = ((Math.Min(s.Positions, q0 + perRun) - 1) / s.OutWidth) + 1;
            most = Math.Max(most, ((oh1 - 1 - oh0) * s.StrideHeight) + ((s.KernelHeight - 1) * s.DilationHeight) + 1);
        }

        return most;
    }

    private static int PaddedHeight(ConvolutionShape s) => ((s.OutHeight - 1) * s.StrideHeight) + ((s.KernelHeight - 1) * s.DilationHeight) + 1;

    private static int PaddedWidth(ConvolutionShape s) => ((s.OutWidth - 1) * s.StrideWidth) + ((s.KernelWidth - 1) * s.DilationWidth) + 1;

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
}

/// <summary>The CPU backend's plan of one convolution, as the core models it.</summary>
/// <param name="Tiling">Its loop nest (traffic: <see cref="ConvTiling.Traffic"/>).</param>
/// <param name="WorkingSetWords">The on-chip memory its blocking keeps: the buffers it fills and means to stay in cache.</param>
public sealed record CpuConvChoice(CpuConvAlgorithm Algorithm, CpuGemmTarget Target, ConvTiling Tiling, long WorkingSetWords)
{
    public int SamplesPerGemm { get; init; } = 1;

    /// <summary>Batches below this run each sample as a transposed GEMM; 0 when never.</summary>
    public int TransposedBelowBatch { get; init; }

    /// <summary>This batch runs transposed.</summary>
    public bool Transposed { get; init; }

    /// <summary>Indirect positions: output positions per task.</summary>
    public int PositionsPerTask { get; init; }

    /// <summary>Indirect rows: output rows per task.</summary>
    public int RowsPerTask { get; init; }

    /// <summary>Indirect rows: output channels per block of weights kept in L2.</summary>
    public int ChannelBlock { get; init; }

    /// <summary>The blocking in words, for the report.</summary>
    public string Blocking { get; init; } = "";
}

/// <summary>
/// How indirect positions splits a convolution into tasks (<see cref="CpuConvModel.PositionTasks"/>): each task runs
/// <see cref="PerRun"/> consecutive positions of <see cref="Samples"/> samples (flattened across them when more than one),
/// the map cut into <see cref="Runs"/> runs, its output channels into <see cref="ChannelSplits"/> shares.
/// </summary>
public readonly record struct PositionTasks(int Samples, int Runs, int PerRun, int ChannelSplits);

/// <summary>
/// How Winograd splits a call into tasks (<see cref="CpuConvModel.WinogradTasks"/>): <see cref="Samples"/> whole samples, or
/// bands of <see cref="TileRows"/> tile rows (<see cref="Bands"/> per sample), each computing <see cref="ChannelsPerSplit"/>
/// output channels (a multiple of the GEMM tile's MR) in one of <see cref="ChannelSplits"/> shares.
/// </summary>
public readonly record struct WinogradTasks(int Samples, int TileRows, int Bands, int ChannelSplits, int ChannelsPerSplit);
