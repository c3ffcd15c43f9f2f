using System;

namespace Sdk.Placement.Internal;

/// <summary>A List without bounds checks through an indexer and with direct access to the buffer.</summary>
internal sealed class GrowableArray<T>
{
    public GrowableArray(int capacity = 16)
    {
        Items = new T[Math.Max(capacity, 4)];
    }

    public T[] Items { get; private set; }

    public int Count { get; private set; }

    public void Add(T item)
    {
        if (Count == Items.Length)
        {
            var larger = new T[Items.Length * 2];
            Array.Copy(Items, larger, Count);
            Items = larger;
        }

        Items[Count++] = item;
    }

    /// <summary>Keeps the first <paramref name="count"/> items.</summary>
    public void Truncate(int count) => Count = count;

    public T[] ToArray()
    {
        var array = new T[Count];
        Array.Copy(Items, array, Count);
        return array;
    }
}
