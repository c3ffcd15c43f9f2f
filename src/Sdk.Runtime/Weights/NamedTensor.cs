using System;

namespace Sdk.Runtime.Weights
{
    /// <summary>
    /// A named float32 tensor in row-major order, as stored in a weights file
    /// (names follow PyTorch state dicts: <c>Conv1.weight</c>, <c>Conv1.bias</c>).
    /// </summary>
    public sealed class NamedTensor
    {
        /// <summary>Creates a tensor; <paramref name="data"/> must hold exactly product(<paramref name="shape"/>) values.</summary>
        public NamedTensor(string name, int[] shape, float[] data)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            ArgumentNullException.ThrowIfNull(shape);
            ArgumentNullException.ThrowIfNull(data);
            long count = ElementCountOf(shape);
            if (count != data.Length)
            {
                throw new ArgumentException(
                    $"Tensor '{name}': shape [{string.Join(", ", shape)}] holds {count} elements but {data.Length} values were given.",
                    nameof(data));
            }

            Name = name;
            Shape = shape;
            Data = data;
        }

        /// <summary>The tensor's name (the key in the file's header).</summary>
        public string Name { get; }

        /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
        public int[] Shape { get; }

        /// <summary>The values in row-major order.</summary>
        public float[] Data { get; }

        /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
        public static long ElementCountOf(int[] shape)
        {
            long count = 1;
            foreach (int dimension in shape)
            {
                if (dimension < 0)
                {
                    throw new ArgumentException($"Negative dimension {dimension} in shape [{string.Join(", ", shape)}].", nameof(shape));
                }

                count = checked(count * dimension);
            }

            return count;
        }

        /// <inheritdoc />
        public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
    }
}
