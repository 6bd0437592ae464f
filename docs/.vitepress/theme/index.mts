import DefaultTheme from 'vitepress/theme';
import './wider-content.css';

export default DefaultTheme;
