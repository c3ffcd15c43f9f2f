using System;
using System.Collections;
using System.Collections.Generic;

namespace Sdk.Compiler;

/// <summary>
/// An immutable array compared by its elements. Specs and plans hold their lists in it, so two specs or plans
/// are equal when their contents are (the incremental generator relies on that to skip unchanged work), and
/// nothing handed out can be written.
/// </summary>
public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    where T : IEquatable<T>
{
    public static readonly EquatableArray<T> Empty = new(Array.Empty<T>());

    private readonly T[]? _items;

    /// <summary>Takes a copy of <paramref name="items"/>.</summary>
    public EquatableArray(IEnumerable<T> items) => _items = new List<T>(items).ToArray();

    private EquatableArray(T[] owned) => _items = owned;

    private T[] Items => _items ?? Array.Empty<T>();

    public int Count => Items.Length;

    public T this[int index] => Items[index];

    public bool IsEmpty => Items.Length == 0;

    /// <summary>The last element (the array must not be empty).</summary>
    public T Last => Items[Items.Length - 1];

    public int IndexOf(T item)
    {
        var items = Items;
        for (var i = 0; i < items.Length; i++)
        {
            if (EqualityComparer<T>.Default.Equals(items[i], item))
            {
                return i;
            }
        }

        return -1;
    }

    public bool Contains(T item) => IndexOf(item) >= 0;

#if NET
    /// <summary>The elements as a read-only span (no copy).</summary>
    public ReadOnlySpan<T> AsSpan() => Items;
#endif

    /// <summary>A new array with the elements (callers may write it).</summary>
    public T[] ToArray() => (T[])Items.Clone();

    /// <summary>The same elements with the one at <paramref name="index"/> replaced.</summary>
    public EquatableArray<T> SetItem(int index, T item)
    {
        var copy = ToArray();
        copy[index] = item;
        return new EquatableArray<T>(copy);
    }

    /// <summary>Wraps an array that nobody else holds (no copy).</summary>
    internal static EquatableArray<T> Own(T[] items) => new(items);

    public bool Equals(EquatableArray<T> other)
    {
        T[] a = Items, b = other.Items;
        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var item in Items)
        {
            hash = unchecked((hash * 31) + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item)));
        }

        return hash;
    }

    public Enumerator GetEnumerator() => new(Items);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();

    public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

    public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

    public static implicit operator EquatableArray<T>(T[] items) => new(items);

    public override string ToString() => "[" + string.Join(", ", Items) + "]";

    /// <summary>A struct enumerator, so a <c>foreach</c> over a plan allocates nothing.</summary>
    public struct Enumerator
    {
        private readonly T[] _items;
        private int _index;

        internal Enumerator(T[] items)
        {
            _items = items;
            _index = -1;
        }

        public readonly T Current => _items[_index];

        public bool MoveNext() => ++_index < _items.Length;
    }
}

public static class EquatableArray
{
    public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
        where T : IEquatable<T> => new(items);

    public static EquatableArray<T> Of<T>(params T[] items)
        where T : IEquatable<T> => new(items);
}
