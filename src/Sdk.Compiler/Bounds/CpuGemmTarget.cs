namespace Sdk.Compiler;

/// <summary>
/// The GEMM micro-kernel a CPU chip's vectorised backend runs, as its blocking: an MR x NR register tile, KC-deep
/// packed slivers, MC x KC blocks of A (sized for L2) and KC x NC panels of B. The names are the runtime's
/// <c>GemmKernel</c> values; the runtime picks the widest one the hardware accelerates, and a test checks that these
/// figures are the runtime's (<c>ConvModelAgreementTests</c>).
/// </summary>
/// <param name="Indirect">Whether the indirect convolutions (rows and positions) run on it (they are written for the AVX2 tile).</param>
public sealed record CpuGemmTarget(string Name, int MR, int NR, int KC, int MC, int NC, bool Indirect)
{
    /// <summary>AVX-512: 8 x 32 tile.</summary>
    public static CpuGemmTarget Vector512 { get; } = new("Vector512x8x32", 8, 32, 256, 256, 2048, Indirect: false);

    /// <summary>AVX2 + FMA: 6 x 16 tile (the BLIS Haswell shape). The build-time report models this one.</summary>
    public static CpuGemmTarget Vector256 { get; } = new("Vector256x6x16", 6, 16, 256, 192, 2048, Indirect: true);

    /// <summary>128-bit vectors (NEON, older x86): 8 x 8 tile.</summary>
    public static CpuGemmTarget Vector128 { get; } = new("Vector128x8x8", 8, 8, 256, 128, 1024, Indirect: false);

    public static CpuGemmTarget[] All { get; } = { Vector512, Vector256, Vector128 };

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
