using System.Linq;

namespace Sdk.Placement.Tests;

/// <summary>Seeds 0..count-1 as theory data for the randomised comparisons with brute force.</summary>
internal static class Seeds
{
    public static TheoryData<int> Range(int count)
    {
        var data = new TheoryData<int>();
        foreach (var seed in Enumerable.Range(0, count))
        {
            data.Add(seed);
        }

        return data;
    }
}
