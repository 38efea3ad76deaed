enum FixturePlaceholder {}
