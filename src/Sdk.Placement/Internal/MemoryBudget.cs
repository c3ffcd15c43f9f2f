namespace Sdk.Placement.Internal;

/// <summary>What the solver's tables may hold whatever the options say: about 100 MB each for the DP tables
/// (13 bytes an entry, plus a little for the indexes) and the ideals' bitsets (8 bytes a word).</summary>
internal static class MemoryBudget
{
    public const long MaxDpEntries = 1L << 23;

    public const long MaxBitsetWords = 1L << 24;
}
