namespace Sdk.Placement.Internal;

/// <summary>Bit tricks that netstandard2.0 lacks (no System.Numerics.BitOperations there).</summary>
internal static class Bits
{
    private const ulong DeBruijn = 0x03F79D71B4CB0A89UL;
    private static readonly int[] PositionOfLowestBit = BuildTable();

    /// <summary>Index of the lowest set bit; <paramref name="word"/> must not be 0.</summary>
    public static int LowestSetBit(ulong word) => PositionOfLowestBit[((word & (~word + 1)) * DeBruijn) >> 58];

    private static int[] BuildTable()
    {
        var table = new int[64];
        for (var i = 0; i < 64; i++)
        {
            table[((1UL << i) * DeBruijn) >> 58] = i;
        }

        return table;
    }
}
