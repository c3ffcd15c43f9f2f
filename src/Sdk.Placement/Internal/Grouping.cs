namespace Sdk.Placement.Internal;

/// <summary>
/// Adjacency lists without a List per vertex: (group, item) pairs are collected in any order and then laid out as one
/// exact array per group, items in the order they were added. Empty groups share one empty array. On 10^5-node
/// graphs this is a few bytes per edge instead of about a hundred per vertex.
/// </summary>
internal sealed class Grouping
{
    private static readonly int[] Empty = new int[0];
    private readonly GrowableArray<int> groups;
    private readonly GrowableArray<int> items;

    public Grouping(int capacity = 16)
    {
        groups = new GrowableArray<int>(capacity);
        items = new GrowableArray<int>(capacity);
    }

    public void Add(int group, int item)
    {
        groups.Add(group);
        items.Add(item);
    }

    public int[][] ToArrays(int groupCount)
    {
        var sizes = new int[groupCount];
        for (var i = 0; i < groups.Count; i++)
        {
            sizes[groups.Items[i]]++;
        }

        var arrays = new int[groupCount][];
        for (var g = 0; g < groupCount; g++)
        {
            arrays[g] = sizes[g] == 0 ? Empty : new int[sizes[g]];
            sizes[g] = 0;
        }

        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups.Items[i];
            arrays[g][sizes[g]++] = items.Items[i];
        }

        return arrays;
    }
}
