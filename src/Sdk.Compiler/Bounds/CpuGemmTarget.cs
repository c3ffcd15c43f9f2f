namespace Sdk.Compiler;

/// <summary>
/// The GEMM micro-kernel a CPU chip's vectorised backend runs, as its blocking: an MR x NR register tile, KC-deep
/// packed slivers, MC x KC blocks of A (sized for L2) and KC x NC panels of B. The names are the runtime's
/// <c>GemmKernel</c> values; the runtime picks the widest one the hardware accelerates, and a test checks that these
/// figures are the runtime's (<c>ConvModelAgreementTests</c>).
/// </summary>
/// <param name="PositionsMR">
/// Output positions of the indirect-positions tile that runs beside this GEMM kernel (<c>PositionConv</c>: 6 on AVX2,
/// <c>PositionConv.Kernel512.MR</c> = 8 on AVX-512); 0 when there is no positions kernel for it.
/// </param>
/// <param name="PositionsNR">Output channels of that tile (16 on AVX2, 32 on AVX-512); 0 when there is none.</param>
/// <param name="IndirectRows">Whether the indirect-rows convolution (<c>RowConv</c>, written for the AVX2 tile) runs on it.</param>
public sealed record CpuGemmTarget(string Name, int MR, int NR, int KC, int MC, int NC, int PositionsMR, int PositionsNR, bool IndirectRows)
{
    /// <summary>AVX-512: 8 x 32 tile; the 8 x 32 indirect-positions tile, no indirect rows.</summary>
    public static CpuGemmTarget Vector512 { get; } = new("Vector512x8x32", 8, 32, 256, 256, 2048, PositionsMR: 8, PositionsNR: 32, IndirectRows: false);

    /// <summary>AVX2 + FMA: 6 x 16 tile (the BLIS Haswell shape); the 6 x 16 positions tile and indirect rows. The build-time report models this one.</summary>
    public static CpuGemmTarget Vector256 { get; } = new("Vector256x6x16", 6, 16, 256, 192, 2048, PositionsMR: 6, PositionsNR: 16, IndirectRows: true);

    /// <summary>128-bit vectors (NEON, older x86): 8 x 8 tile; im2col + GEMM only.</summary>
    public static CpuGemmTarget Vector128 { get; } = new("Vector128x8x8", 8, 8, 256, 128, 1024, PositionsMR: 0, PositionsNR: 0, IndirectRows: false);

    public static CpuGemmTarget[] All { get; } = { Vector512, Vector256, Vector128 };

    /// <summary>Whether an indirect-positions kernel runs beside this GEMM kernel.</summary>
    public bool IndirectPositions => PositionsNR > 0;

    /// <summary>The target named <paramref name="name"/> (a <c>GemmKernel</c> name), or null.</summary>
    public static CpuGemmTarget? Find(string name)
    {
        foreach (var target in All)
        {
            if (target.Name == name)
            {
                return target;
            }
        }

        return null;
    }
}
