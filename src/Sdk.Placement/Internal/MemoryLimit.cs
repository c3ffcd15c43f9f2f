namespace Sdk.Placement.Internal;

/// <summary>One memory comparison for every solver, so rounding in sums cannot make them disagree at the limit.</summary>
internal static class MemoryLimit
{
    private const double RelativeSlack = 1e-12;

    public static bool Fits(double used, double limit) => used <= limit + (RelativeSlack * limit);
}
