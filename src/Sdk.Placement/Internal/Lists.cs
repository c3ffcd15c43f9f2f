using System.Collections.Generic;

namespace Sdk.Placement.Internal;

/// <summary>Adjacency lists: built as lists, kept as arrays.</summary>
internal static class Lists
{
    public static List<int>[] New(int count)
    {
        var lists = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            lists[i] = new List<int>();
        }

        return lists;
    }

    public static int[][] ToArrays(List<int>[] lists)
    {
        var arrays = new int[lists.Length][];
        for (var i = 0; i < lists.Length; i++)
        {
            arrays[i] = lists[i].ToArray();
        }

        return arrays;
    }
}
