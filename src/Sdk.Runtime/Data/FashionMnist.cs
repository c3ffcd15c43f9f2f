using System;
using System.Collections.Generic;
using System.IO;

namespace Sdk.Runtime.Data
{
    /// <summary>
    /// Fashion-MNIST (Zalando): 60000 training and 10000 test images of 28x28 grey pixels in 10
    /// clothing classes. The Debian package <c>dataset-fashion-mnist</c> installs the gzipped IDX
    /// files in <see cref="DebianDirectory"/>.
    /// </summary>
    public static class FashionMnist
    {
        /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> puts the files.</summary>
        public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>Environment variable that points at another directory holding the four files.</summary>
        public const string DirectoryVariable = "SDK_FASHION_MNIST_DIR";

        /// <summary>Image side length.</summary>
        public const int ImageSize = 28;

        /// <summary>The class of each label value 0..9.</summary>
        public static IReadOnlyList<string> ClassNames { get; } =
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

        /// <summary>
        /// Finds the four files in <paramref name="directory"/>, else in the directory named by
        /// <see cref="DirectoryVariable"/>, else in <see cref="DebianDirectory"/>. Each file may be
        /// gzipped (<c>.gz</c>) or not. Returns null when any file is missing.
        /// </summary>
        public static FashionMnistFiles? Locate(string? directory = null)
        {
            string root = directory ?? Environment.GetEnvironmentVariable(DirectoryVariable) ?? DebianDirectory;
            string? trainImages = FindFile(root, "train-images-idx3-ubyte");
            string? trainLabels = FindFile(root, "train-labels-idx1-ubyte");
            string? testImages = FindFile(root, "t10k-images-idx3-ubyte");
            string? testLabels = FindFile(root, "t10k-labels-idx1-ubyte");
            return trainImages is null || trainLabels is null || testImages is null || testLabels is null
                ? null
                : new FashionMnistFiles(trainImages, trainLabels, testImages, testLabels);
        }

        /// <summary>The 60000 training images (see <see cref="Locate"/> for where they are looked for).</summary>
        /// <exception cref="FileNotFoundException">The files are not there.</exception>
        /// <exception cref="DatasetFormatException">A file is malformed or truncated, the images are not 28x28, or a label is not in 0..9.</exception>
        public static ImageDataset LoadTrain(string? directory = null)
        {
            FashionMnistFiles files = Require(directory);
            return CheckSize(ImageDataset.LoadIdx(files.TrainImages, files.TrainLabels, ClassNames.Count), files.TrainImages);
        }

        /// <summary>The 10000 test images (see <see cref="Locate"/> for where they are looked for).</summary>
        /// <exception cref="FileNotFoundException">The files are not there.</exception>
        /// <exception cref="DatasetFormatException">A file is malformed or truncated, the images are not 28x28, or a label is not in 0..9.</exception>
        public static ImageDataset LoadTest(string? directory = null)
        {
            FashionMnistFiles files = Require(directory);
            return CheckSize(ImageDataset.LoadIdx(files.TestImages, files.TestLabels, ClassNames.Count), files.TestImages);
        }

        private static FashionMnistFiles Require(string? directory) =>
            Locate(directory) ?? throw new FileNotFoundException(
                $"Fashion-MNIST files not found in '{directory ?? Environment.GetEnvironmentVariable(DirectoryVariable) ?? DebianDirectory}'. " +
                $"Install the Debian package dataset-fashion-mnist or set {DirectoryVariable}.");

        private static ImageDataset CheckSize(ImageDataset data, string imagesPath)
        {
            if (data.Height != ImageSize || data.Width != ImageSize)
            {
                throw new DatasetFormatException(imagesPath, $"Fashion-MNIST images are {ImageSize}x{ImageSize}, these are {data.Height}x{data.Width}.");
            }

            return data;
        }

        private static string? FindFile(string directory, string stem)
        {
            foreach (string name in new[] { stem + ".gz", stem })
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            return null;
        }
    }
}
